/**
 * The chaos hooks of the DL/T 645 and DLMS demo simulators against a real bridge: every
 * fault (injected twice, as overlapping chaos injections do) moves exactly the meter
 * truth() names to "not online" in the hub, one recovery does not end it, the last one
 * brings the meter back, and after freeze() the hub's counters equal truth() exactly.
 * The two simulators run in parallel, the faults of each one after the other.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WattwireApp } from '../../../server/app.ts';
import { optionsSchema, type Options } from '../../../server/options/schema.ts';
import type { DemoSim, SimTruth } from '../../../server/sim/demoSim.ts';
import { startDemoSim as startDlmsDemo } from '../../../server/sim/dlms/demo.ts';
import { startDemoSim as startDlt645Demo } from '../../../server/sim/dlt645/demo.ts';
import { freePort, waitFor } from '../../support/ports.ts';
import { startQuietApp } from '../../support/quietApp.ts';

const SLOW = { timeoutMs: 15_000, intervalMs: 100 };
/** Longer than a dropped meter needs to redial and be named (1 s redial, 2 s before it is asked its address). */
const STAYS_AWAY_MS = 3500;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('chaos hooks of the DL/T 645 and DLMS demo simulators', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'ww-chaos-hooks-'));
  let dlt645: DemoSim;
  let dlms: DemoSim;
  let options: Options;
  let app: WattwireApp;

  beforeAll(async () => {
    dlt645 = await startDlt645Demo();
    // A telegram every 300 ms instead of every 5 s.
    dlms = await startDlmsDemo(300);
    options = optionsSchema.parse({});
    options.dlt645.listen_port = await freePort();
    dlt645.configure(options);
    dlms.configure(options);
    // Short polls and timeouts: a DL/T 645 meter is offline after 3 unanswered 1 s requests,
    // the DLMS meter after 2 s without a telegram.
    Object.assign(options.dlt645, { poll_interval: 1, timeout: 1, retries: 0 });
    for (const meter of options.dlms_meters as Record<string, unknown>[]) meter.timeout = 2;
    app = await startQuietApp(options, dataDir);
  }, 30_000);

  afterAll(async () => {
    await app?.stop();
    await Promise.all([dlt645?.stop(), dlms?.stop()]);
    rmSync(dataDir, { recursive: true, force: true });
  });

  const availability = (id: string) => app.hub.get(id)?.status.availability;
  const agrees = (truth: SimTruth) => {
    const hub = availability(truth.id);
    return truth.availability === 'offline'
      ? hub !== undefined && !['online', 'asleep', 'unknown'].includes(hub)
      : hub === truth.availability;
  };
  /** What the hub showed for the hit meter during each fault. */
  const shown = new Map<string, string | undefined>();
  const notOnline = (sim: DemoSim) =>
    sim.truth!()
      .filter((t) => t.availability !== 'online')
      .map((t) => t.id);

  async function exercise(sim: DemoSim): Promise<void> {
    for (const fault of sim.faults!()) {
      await waitFor(() => sim.truth!().every((t) => t.availability === 'online' && agrees(t)), {
        ...SLOW,
        what: `${sim.kind} online before ${fault.name}`,
      });

      await fault.inject();
      await fault.inject();
      const hit = notOnline(sim);
      expect(hit, fault.name).toHaveLength(1);
      await waitFor(() => sim.truth!().every(agrees), { ...SLOW, what: `${fault.name}: hub ${hit[0]} not online, the others online` });
      shown.set(fault.name, availability(hit[0]!));

      await fault.recover();
      expect(notOnline(sim), `${fault.name} after one of two recoveries`).toEqual(hit);
      await sleep(STAYS_AWAY_MS);
      expect(agrees(sim.truth!().find((t) => t.id === hit[0])!), `${fault.name}: ${hit[0]} still not online in the hub`).toBe(true);

      await fault.recover();
      expect(notOnline(sim), fault.name).toEqual([]);
      await waitFor(() => sim.truth!().every(agrees), { ...SLOW, what: `${fault.name}: hub ${hit[0]} online again` });
    }

    sim.freeze!();
    await waitFor(
      () =>
        sim.truth!().every((truth) => {
          const state = app.hub.get(truth.id)?.state ?? {};
          return Object.entries(truth.counters).every(
            ([key, value]) =>
              typeof state[key] === 'number' && Math.abs((state[key] as number) - value) <= 1e-9 * Math.max(1, Math.abs(value)),
          );
        }),
      { ...SLOW, what: `${sim.kind}: counters equal to the simulator's after freeze` },
    );
  }

  it('names the bridge listeners the simulators talk to', () => {
    expect(dlt645.bridgeListeners!(options)).toEqual([options.dlt645.listen_port]);
    expect(dlms.bridgeListeners!(options)).toEqual([options.dlms.listen_port]);
  });

  it('each fault shows in the hub as truth() says, recovery brings the meter back, frozen counters match', async () => {
    expect([...dlt645.faults!(), ...dlms.faults!()].map((f) => f.name)).toEqual([
      'dlt645: meter drops off the network',
      'dlt645: meter sends garbage',
      'dlms: meter stops pushing',
      'dlms: wrong key',
    ]);
    expect(dlt645.truth!().map((t) => t.id)).toEqual(['000000230001', '000000230002', '000000230003']);
    await Promise.all([exercise(dlt645), exercise(dlms)]);

    // Gone or garbled DL/T 645 meters and a silent DLMS meter are offline; a wrong key is a fault.
    expect(Object.fromEntries(shown)).toEqual({
      'dlt645: meter drops off the network': 'offline',
      'dlt645: meter sends garbage': 'offline',
      'dlms: meter stops pushing': 'offline',
      'dlms: wrong key': 'fault',
    });
    // The garbage reached the bridge as frames that failed their checksum.
    expect(app.drivers.get('dlt645')!.diagnostics!().badFrames).toBeGreaterThan(0);
    for (const sim of [dlt645, dlms]) {
      for (const truth of sim.truth!()) {
        const state = app.hub.get(truth.id)!.state;
        const keys = Object.keys(truth.counters);
        expect(keys.length, truth.id).toBeGreaterThanOrEqual(3);
        for (const key of keys) expect(state[key], `${truth.id}.${key}`).toBeCloseTo(truth.counters[key]!, 9);
        // Frozen counters that still read as zero would prove nothing.
        expect(state[keys[0]!], `${truth.id}.${keys[0]}`).toBeGreaterThan(0);
      }
    }
  }, 45_000);
});
