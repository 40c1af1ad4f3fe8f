import { describe, expect, it } from 'vitest';
import { DLT645_REGISTERS, registerByKey } from '../../../server/drivers/dlt645/registers.ts';
import { ThresholdWatch } from '../../../server/drivers/dlt645/thresholds.ts';

const LIMITS = { voltage_high: 253, voltage_low: 207, current_high: 60, power_factor_low: 0.8 };
const values = (o: Record<string, number | null>) => new Map(Object.entries(o));

describe('threshold alarms', () => {
  it('fires once on crossing and once on return, not on every poll', () => {
    const watch = new ThresholdWatch(LIMITS);
    expect(watch.check(values({ voltageA: 230 }))).toEqual([]);
    const up = watch.check(values({ voltageA: 255.5 }));
    expect(up).toEqual([
      { type: 'alarm', event: 'voltage_high', message: expect.any(String), data: { phase: 'A', value: 255.5, threshold: 253 } },
    ]);
    expect(watch.check(values({ voltageA: 256 }))).toEqual([]);
    expect(watch.check(values({ voltageA: 231 }))).toMatchObject([{ type: 'info', event: 'voltage_high_cleared' }]);
  });

  it('watches each phase, current by magnitude and power factor by magnitude', () => {
    const watch = new ThresholdWatch(LIMITS);
    const events = watch.check(values({ voltageB: 200, currentC: -61, totalPowerFactor: -0.5, powerFactorA: 0.95 }));
    expect(events.map((e) => [e.event, e.data?.phase])).toEqual([
      ['voltage_low', 'B'],
      ['current_high', 'C'],
      ['power_factor_low', 'total'],
    ]);
  });

  it('ignores missing values and unwired phases (0 V)', () => {
    const watch = new ThresholdWatch(LIMITS);
    expect(watch.check(values({ voltageB: 0, voltageC: null }))).toEqual([]);
  });

  it('watches the registers of the table by their class, one added to it as well', () => {
    const neutral = { ...registerByKey('currentA')!, key: 'currentN', phase: undefined };
    const watch = new ThresholdWatch(LIMITS, [...DLT645_REGISTERS, neutral]);
    expect(watch.check(values({ currentN: 70 }))).toMatchObject([{ event: 'current_high', data: { phase: 'total', value: 70 } }]);
    expect(watch.check(values({ meterTemperature: 99, frequency: 10 }))).toEqual([]);
  });
});
