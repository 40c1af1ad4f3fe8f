import { describe, expect, it } from 'vitest';
import { CounterGuard } from '../../../server/drivers/sunspec/counterGuard.ts';

const counterName = (key: string) => (key === 'inverter_wh' ? 'WattHours' : undefined);

describe('SunSpec energy counters', () => {
  it('skip a value lower than the last one with one warning per episode, and go on once the counter is back', () => {
    const guard = new CounterGuard();
    expect(guard.check([{ key: 'inverter_wh', value: 100 }], counterName)).toEqual({
      readings: [{ key: 'inverter_wh', value: 100 }],
      warnings: [],
    });
    const first = guard.check(
      [
        { key: 'inverter_wh', value: 4 },
        { key: 'inverter_w', value: 0 },
      ],
      counterName,
    );
    expect(first.readings).toEqual([{ key: 'inverter_w', value: 0 }]);
    expect(first.warnings).toEqual(['WattHours went backwards from 100 to 4; keeping 100']);
    expect(guard.check([{ key: 'inverter_wh', value: 5 }], counterName)).toEqual({ readings: [], warnings: [] });
    expect(guard.check([{ key: 'inverter_wh', value: 101 }], counterName).readings).toEqual([{ key: 'inverter_wh', value: 101 }]);
    expect(guard.check([{ key: 'inverter_wh', value: 50 }], counterName).warnings).toHaveLength(1);
  });

  it('keeps the last value when the counter reads "not implemented", and lets a counter that never had one be unknown', () => {
    const guard = new CounterGuard();
    expect(guard.check([{ key: 'inverter_wh', value: null }], counterName).readings).toEqual([{ key: 'inverter_wh', value: null }]);
    guard.check([{ key: 'inverter_wh', value: 100 }], counterName);
    expect(guard.check([{ key: 'inverter_wh', value: null }], counterName)).toEqual({ readings: [], warnings: [] });
    expect(guard.check([{ key: 'inverter_w', value: null }], counterName).readings).toEqual([{ key: 'inverter_w', value: null }]);
  });
});
