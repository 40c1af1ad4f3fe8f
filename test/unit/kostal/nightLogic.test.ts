import { describe, expect, it } from 'vitest';
import { EnergyGuard } from '../../../server/drivers/kostal/energyGuard.ts';
import { MAX_SLEEP_MS, NightWatch } from '../../../server/drivers/kostal/nightWatch.ts';
import type { InverterSnapshot } from '../../../server/protocols/kostal/snapshot.ts';

const snap = (over: Partial<InverterSnapshot>): InverterSnapshot => ({
  generation: 'classic',
  statusText: 'supply MPP',
  state: 'feeding_mpp',
  acPowerW: 3000,
  totalEnergyKwh: 1,
  dailyEnergyKwh: 1,
  strings: [],
  phases: [],
  placeholders: false,
  ...over,
});

describe('night watch', () => {
  it('is asleep on placeholders and when unreachable after a quiet answer', () => {
    const w = new NightWatch();
    expect(w.onReading(snap({ placeholders: true, state: 'off', acPowerW: null }), 0).availability).toBe('asleep');
    expect(w.onUnreachable('connection refused', 1000).availability).toBe('asleep');
  });

  it('is offline when unreachable right after feeding, and after a night too long', () => {
    const w = new NightWatch();
    w.onReading(snap({}), 0);
    expect(w.onUnreachable('connection refused', 1000)).toEqual({ availability: 'offline', reason: 'unreachable: connection refused' });
    w.onReading(snap({ state: 'idle', acPowerW: 0 }), 0);
    expect(w.onUnreachable('x', MAX_SLEEP_MS - 1).availability).toBe('asleep');
    expect(w.onUnreachable('x', MAX_SLEEP_MS + 1).availability).toBe('offline');
  });

  it('is a fault when unreachable and never seen (a wrong host must not pass for offline or asleep)', () => {
    expect(new NightWatch().onUnreachable('connection refused', 1000)).toEqual({
      availability: 'fault',
      reason: 'never answered: connection refused',
    });
  });

  it('counts a low dusk power as quiet, and a wrong answer as a fault', () => {
    const w = new NightWatch();
    w.onReading(snap({ acPowerW: 20 }), 0);
    expect(w.onUnreachable('timeout', 10).availability).toBe('asleep');
    expect(w.onFault('HTTP 500').availability).toBe('fault');
  });
});

describe('energy guard', () => {
  const noon = new Date(2026, 5, 1, 12).getTime();

  it('never lets the total go backwards and warns once', () => {
    const g = new EnergyGuard();
    expect(g.check(100, null, noon).readings).toEqual([{ key: 'energy_total', value: 100 }]);
    const first = g.check(99, null, noon);
    expect(first.readings).toEqual([]);
    expect(first.warning).toMatch(/backwards/);
    expect(g.check(98, null, noon).warning).toBeUndefined();
    expect(g.check(101, null, noon).readings).toEqual([{ key: 'energy_total', value: 101 }]);
  });

  it('resets today after a night, not during the day', () => {
    const g = new EnergyGuard();
    g.check(null, 12, noon);
    expect(g.check(null, 11, noon).readings).toEqual([]);
    g.check(null, 15.19, noon + 1, true);
    expect(g.check(null, 0, noon + 2).readings).toEqual([
      { key: 'energy_today', value: null },
      { key: 'energy_today', value: 0 },
    ]);
    expect(g.check(null, 0.5, noon + 3).readings).toEqual([{ key: 'energy_today', value: 0.5 }]);
  });

  it('resets today on a new calendar day', () => {
    const g = new EnergyGuard();
    g.check(null, 12, noon);
    expect(g.check(null, 0.1, noon + 24 * 3600_000).readings.at(-1)).toEqual({ key: 'energy_today', value: 0.1 });
  });
});
