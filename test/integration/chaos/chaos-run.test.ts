/**
 * The short chaos run (one minute of faults) that `npm test` carries: the bridge as a child
 * process with every demo simulator and a real Mosquitto. The full run is `npm run chaos`.
 */
import { describe, expect, it } from 'vitest';
import { runChaos } from '../../../bench/chaosRun.ts';

describe('chaos run (one minute)', () => {
  it('survives the faults; availability and counters match the simulators afterwards', async () => {
    const lines: string[] = [];
    // A fixed seed so a failure here can be replayed with `npm run chaos -- --minutes 1 --seed 20261128`.
    const result = await runChaos({ durationMs: 60_000, seed: 20261128, settleMs: 60_000, log: (l) => lines.push(l) });
    expect(result.failures, `${result.table}\n${lines.join('\n')}`).toEqual([]);

    const byName = new Map(result.faults.map((f) => [f.name, f]));
    for (const f of result.faults) expect(f.recovered, f.name).toBe(f.injected);
    expect(byName.get('broker killed and restarted')?.injected ?? 0).toBeGreaterThan(0);
    expect(byName.get('garbage sent to a listener')?.injected ?? 0).toBeGreaterThan(0);
    expect(byName.get('bad command on the topic API')?.injected ?? 0).toBeGreaterThan(0);
    // Device faults from the simulators' own hooks, not only the generic ones above.
    expect(result.faults.filter((f) => f.name.includes(':')).length).toBeGreaterThanOrEqual(3);
    expect(result.rssMb.max).toBeGreaterThan(0);
  }, 240_000);
});
