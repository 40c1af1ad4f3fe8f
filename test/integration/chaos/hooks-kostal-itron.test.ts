/**
 * The chaos hooks of the Kostal and Itron demo simulators against a real bridge: every
 * fault moves the hub to the availability the simulator's truth() names and back to
 * online on recovery, and after freeze() the hub's counters equal truth() exactly.
 * One demo simulator per fault, exercised in parallel, so the 5 s minimum Kostal poll
 * interval still keeps the file short.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WattwireApp } from '../../../server/app.ts';
import { optionsSchema, type Options } from '../../../server/options/schema.ts';
import type { DemoSim, SimFault, SimTruth } from '../../../server/sim/demoSim.ts';
import { startDemoSim as startItronDemo } from '../../../server/sim/itron/demo.ts';
import { startDemoSim as startKostalDemo } from '../../../server/sim/kostal/demo.ts';
import { waitFor } from '../../support/ports.ts';
import { startQuietApp } from '../../support/quietApp.ts';

interface Case {
  sim: DemoSim;
  fault: SimFault;
}

const SLOW = { timeoutMs: 20_000, intervalMs: 100 };

describe('chaos hooks of the Kostal and Itron demo simulators', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'ww-chaos-hooks-'));
  const previousDataDir = process.env.WATTWIRE_DATA_DIR;
  const cases: Case[] = [];
  let app: WattwireApp;

  /** As many simulators of a kind as it has faults, each to suffer one of them. */
  async function casesOf(start: () => Promise<DemoSim>): Promise<void> {
    const first = await start();
    const sims = [first];
    const names = (first.faults?.() ?? []).map((f) => f.name);
    while (sims.length < names.length) sims.push(await start());
    names.forEach((name, k) => void cases.push({ sim: sims[k]!, fault: sims[k]!.faults!().find((f) => f.name === name)! }));
  }

  beforeAll(async () => {
    process.env.WATTWIRE_DATA_DIR = dataDir;
    await casesOf(startKostalDemo);
    await casesOf(startItronDemo);
    const options: Options = optionsSchema.parse({});
    for (const { sim } of cases) sim.configure(options);
    // Short polls and timeouts (5 s is the shortest poll interval a Kostal inverter accepts).
    for (const item of options.kostal as Record<string, unknown>[]) Object.assign(item, { poll_interval: 5, timeout: 1 });
    for (const item of options.itron_meters as Record<string, unknown>[]) Object.assign(item, { poll_interval: 1, timeout: 1 });
    app = await startQuietApp(options, dataDir);
  }, 30_000);

  afterAll(async () => {
    await app?.stop();
    await Promise.all(cases.map((c) => c.sim.stop()));
    if (previousDataDir === undefined) delete process.env.WATTWIRE_DATA_DIR;
    else process.env.WATTWIRE_DATA_DIR = previousDataDir;
    rmSync(dataDir, { recursive: true, force: true });
  });

  const truthOf = (sim: DemoSim): SimTruth => {
    const all = sim.truth!();
    expect(all).toHaveLength(1);
    return all[0]!;
  };
  const availability = (id: string) => app.hub.get(id)?.status.availability;
  const agrees = (truth: SimTruth) => {
    const hub = availability(truth.id);
    return truth.availability === 'offline'
      ? hub !== undefined && !['online', 'asleep', 'unknown'].includes(hub)
      : hub === truth.availability;
  };

  async function exercise({ sim, fault }: Case): Promise<void> {
    const id = truthOf(sim).id;
    await waitFor(() => availability(id) === 'online', { ...SLOW, what: `${id} online before ${fault.name}` });

    await fault.inject();
    const during = truthOf(sim);
    expect(during.availability, fault.name).not.toBe('online');
    await waitFor(() => agrees(truthOf(sim)), { ...SLOW, what: `${fault.name}: hub ${id} to be ${during.availability}` });
    if (fault.name === 'kostal: inverter sleeps') {
      // Dusk pages first, then the web server goes away: still asleep, now by not answering.
      await waitFor(() => /not answering/.test(app.hub.get(id)?.status.reason ?? ''), {
        ...SLOW,
        what: `${id} asleep with its web server gone`,
      });
      expect(availability(id)).toBe('asleep');
    }

    await fault.recover();
    expect(truthOf(sim).availability).toBe('online');
    await waitFor(() => availability(id) === 'online', { ...SLOW, what: `${fault.name}: hub ${id} online again` });

    sim.freeze!();
    await waitFor(
      () => {
        const truth = truthOf(sim);
        const state = app.hub.get(id)?.state ?? {};
        return Object.entries(truth.counters).every(
          ([key, value]) =>
            typeof state[key] === 'number' && Math.abs((state[key] as number) - value) <= 1e-9 * Math.max(1, Math.abs(value)),
        );
      },
      { ...SLOW, what: `${id}: counters equal to the simulator's after freeze` },
    );
  }

  it('each fault shows in the hub as truth() says, recovery brings the device back, frozen counters match', async () => {
    expect(cases.map((c) => c.fault.name).sort()).toEqual([
      'itron: client LFDI no longer registered',
      'itron: meter agent hangs',
      'kostal: HTTP 500',
      'kostal: inverter sleeps',
      'kostal: slow',
      'kostal: truncated page',
    ]);
    await Promise.all(cases.map(exercise));
    for (const { sim } of cases) {
      const truth = truthOf(sim);
      const state = app.hub.get(truth.id)!.state;
      const keys = Object.keys(truth.counters);
      expect(keys.length, truth.id).toBeGreaterThanOrEqual(2);
      for (const key of keys) expect(state[key], `${truth.id}.${key}`).toBeCloseTo(truth.counters[key]!, 9);
    }
  }, 45_000);
});
