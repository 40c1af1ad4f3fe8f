import { describe, expect, it } from 'vitest';
import { MAX_SLEEP_MS, NightWatch } from '../../../server/drivers/sunspec/nightWatch.ts';

const inverter = () => Object.assign(new NightWatch(), { inverter: true });

describe('SunSpec night watch', () => {
  it('an inverter reporting SLEEPING, OFF or STANDBY is asleep; a feeding one is online', () => {
    for (const state of ['SLEEPING', 'OFF', 'STANDBY']) expect(inverter().onAnswer({ state, powerW: 0 }, 0).availability).toBe('asleep');
    expect(inverter().onAnswer({ state: 'MPPT', powerW: 4000 }, 0)).toEqual({ availability: 'online', reason: 'MPPT' });
  });

  it('silence after a quiet answer is sleep for at most a night; after feeding it is an outage', () => {
    const quiet = inverter();
    quiet.onAnswer({ state: 'STARTING', powerW: 10 }, 0);
    expect(quiet.onUnreachable('no answer', 3600_000).availability).toBe('asleep');
    expect(quiet.onUnreachable('no answer', MAX_SLEEP_MS + 1).availability).toBe('offline');
    const feeding = inverter();
    feeding.onAnswer({ state: 'MPPT', powerW: 4000 }, 0);
    expect(feeding.onUnreachable('no answer', 1000)).toEqual({ availability: 'offline', reason: 'not answering: no answer' });
    expect(inverter().onUnreachable('no answer', 0)).toEqual({ availability: 'fault', reason: 'never answered: no answer' });
  });

  it('a meter never sleeps: silence is an outage even after a quiet answer', () => {
    const meter = new NightWatch();
    expect(meter.onAnswer({ state: null, powerW: 0 }, 0).availability).toBe('online');
    expect(meter.onUnreachable('no answer', 1000).availability).toBe('offline');
  });
});
