/**
 * The chaos hooks of the Xtender and Victron demo simulators against a real bridge: every
 * fault moves each device in the hub to the availability the simulator's truth() names, for
 * the reason the fault implies, and back to online on recovery; after freeze() the hub's
 * counters equal truth() exactly. The Xtender simulator takes its faults one after the other
 * (its device ids are fixed); each Victron fault has a GX of its own (its own portal id), all
 * exercised in parallel.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WattwireApp } from '../../../server/app.ts';
import { optionsSchema, type Options } from '../../../server/options/schema.ts';
import type { DemoSim, SimFault, SimTruth } from '../../../server/sim/demoSim.ts';
import { startDemoSim as startVictronDemo } from '../../../server/sim/victron/demo.ts';
import { startDemoSim as startXtenderDemo } from '../../../server/sim/xtender/demo.ts';
import { waitFor } from '../../support/ports.ts';
import { startQuietApp } from '../../support/quietApp.ts';

interface Case {
  sim: DemoSim;
  /** Injected and recovered in this order, then the counters are frozen and compared. */
  faults: SimFault[];
}

// Generous: on a loaded CI machine a reopened link may first see a bad batch and back off (5 s, then 10 s).
const SLOW = { timeoutMs: 45_000, intervalMs: 100 };

/** Why the hub must say a device is offline during each fault. */
const OFFLINE_REASON: Record<string, RegExp> = {
  'xtender: one Xtender drops out': /^not (answering|found on the bus)/,
  'xtender: serial link closes and reopens': /^(link down|not answering)/,
  'victron: GX reboots': /connection to the GX lost|ECONNREFUSED/,
  'victron: keep-alive lapses': /^keep-alive lapsed: no heartbeat/,
  'victron: device leaves': /^left the GX D-Bus$/,
};

describe('chaos hooks of the Xtender and Victron demo simulators', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'ww-chaos-hooks-'));
  const cases: Case[] = [];
  let app: WattwireApp;

  beforeAll(async () => {
    const xtender = await startXtenderDemo();
    cases.push({ sim: xtender, faults: xtender.faults!() });
    for (let k = 0; k < 3; k++) {
      const victron = await startVictronDemo(`c0619ab1230${k}`);
      cases.push({ sim: victron, faults: [victron.faults!()[k]!] });
    }
    const options: Options = optionsSchema.parse({});
    for (const { sim } of cases) sim.configure(options);
    for (const item of options.xtender as Record<string, unknown>[])
      Object.assign(item, { poll_interval: 1, fast_poll_interval: 1, timeout_ms: 800 });
    app = await startQuietApp(options, dataDir);
  }, 30_000);

  afterAll(async () => {
    await app?.stop();
    await Promise.all(cases.map((c) => c.sim.stop()));
    rmSync(dataDir, { recursive: true, force: true });
  });

  const status = (id: string) => app.hub.get(id)?.status;
  const agrees = (truth: SimTruth) => {
    const hub = status(truth.id)?.availability;
    return truth.availability === 'offline'
      ? hub !== undefined && !['online', 'asleep', 'unknown'].includes(hub)
      : hub === truth.availability;
  };
  const allAgree = (sim: DemoSim) => sim.truth!().every(agrees);
  const countersMatch = (sim: DemoSim) =>
    sim.truth!().every((truth) => {
      const state = app.hub.get(truth.id)?.state ?? {};
      return Object.entries(truth.counters).every(([key, value]) => state[key] === value);
    });

  async function exercise({ sim, faults }: Case): Promise<void> {
    const ids = sim.truth!().map((t) => t.id);
    await waitFor(() => ids.every((id) => status(id)?.availability === 'online'), { ...SLOW, what: `${ids.join(', ')} online` });
    for (const fault of faults) {
      await fault.inject();
      const hit = sim.truth!().filter((t) => t.availability === 'offline');
      expect(hit.length, fault.name).toBeGreaterThan(0);
      await waitFor(() => allAgree(sim), { ...SLOW, what: `${fault.name}: hub as truth() says` });
      for (const { id } of hit) expect(status(id)?.reason, `${fault.name}: ${id}`).toMatch(OFFLINE_REASON[fault.name]!);

      await fault.recover();
      expect(
        sim.truth!().every((t) => t.availability === 'online'),
        fault.name,
      ).toBe(true);
      await waitFor(() => ids.every((id) => status(id)?.availability === 'online'), {
        ...SLOW,
        what: `${fault.name}: every device online again`,
      });
    }
    sim.freeze!();
    await waitFor(() => countersMatch(sim), { ...SLOW, what: `${sim.kind}: counters equal to the simulator's after freeze` });
  }

  it('each fault shows in the hub as truth() says, recovery brings every device back, frozen counters match', async () => {
    expect(cases.flatMap((c) => c.faults.map((f) => f.name)).sort()).toEqual(Object.keys(OFFLINE_REASON).sort());
    await Promise.all(cases.map(exercise));
    for (const { sim } of cases) {
      const truths = sim.truth!();
      expect(truths.flatMap((t) => Object.keys(t.counters)).length, sim.kind).toBeGreaterThanOrEqual(3);
      for (const truth of truths) {
        const state = app.hub.get(truth.id)!.state;
        for (const [key, value] of Object.entries(truth.counters)) expect(state[key], `${truth.id}.${key}`).toBe(value);
      }
    }
    // The counters really moved while the simulators ran, so the comparison above is not of constants.
    const [victron] = cases.filter((c) => c.sim.kind === 'victron');
    const grid = victron!.sim.truth!().find((t) => t.id.endsWith('_grid_30'))!;
    expect(grid.counters.grid_energy_import).toBeGreaterThan(4321.88);
  }, 240_000);
});
