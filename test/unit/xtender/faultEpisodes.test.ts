import { describe, expect, it } from 'vitest';
import { FaultEpisodes } from '../../../server/drivers/xtender/faultEpisodes.ts';

describe('xtender fault episodes', () => {
  it('re-initialises at once, then after growing delays up to the cap, with one first step per episode', () => {
    let now = 0;
    const episodes = new FaultEpisodes(() => now, { initialMs: 1000, maxMs: 4000 });
    expect(episodes.fault('xt', 'battery_voltage')).toMatchObject({ first: true, reinit: true });
    let reinits = 1;
    let firsts = 1;
    for (now = 1; now <= 60_000; now += 100) {
      const step = episodes.fault('xt', 'battery_voltage');
      if (step.reinit) reinits++;
      if (step.first) firsts++;
    }
    // Jitter ±20 %: delays of about 1, 2, 4, 4, 4 … s over a minute.
    expect(reinits).toBeGreaterThanOrEqual(12);
    expect(reinits).toBeLessThanOrEqual(22);
    expect(firsts).toBe(1);
  });

  it('ends an episode only with a good batch that holds the register found bad', () => {
    const episodes = new FaultEpisodes(() => 0);
    episodes.fault('xt', 'battery_voltage');
    expect(episodes.healed('xt', ['output_current'])).toBe(false);
    expect(episodes.healed('xt', ['battery_voltage', 'output_current'])).toBe(true);
    expect(episodes.fault('xt', 'battery_voltage').first).toBe(true);
    episodes.fault('vt', undefined);
    expect(episodes.healed('vt', ['anything'])).toBe(true);
  });
});
