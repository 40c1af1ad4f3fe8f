import { afterEach, describe, expect, it } from 'vitest';
import { Hub } from '../../../server/core/hub.ts';
import { createLogger } from '../../../server/core/logger.ts';
import { DEFINITIONS } from '../../../server/drivers/registry.ts';
import type { Driver } from '../../../server/drivers/types.ts';
import { optionsSchema } from '../../../server/options/schema.ts';
import { freePort } from '../../support/ports.ts';
import { ivyDialInClaim } from '../../../server/drivers/dlms/ivyDialIn.ts';
import { startDlt645Sim, type Dlt645Sim } from '../../../server/sim/dlt645/tcpSim.ts';
import { IvyMeterSim } from '../../../server/sim/dlms/ivyMeterSim.ts';
import { waitFor } from '../../support/ports.ts';
import { startBridge, type Bridge } from './harness.ts';

const IVY = '000000000042';
/** Generous: the CI machine is loaded. */
const LONG = 30_000;
let bridge: Bridge | undefined;
let ivy: IvyMeterSim | undefined;
let dlt: Dlt645Sim | undefined;

let registryDriver: Driver | undefined;

afterEach(async () => {
  await registryDriver?.stop();
  registryDriver = undefined;
  await ivy?.stop();
  await dlt?.stop();
  await bridge?.stop();
  ivy = undefined;
  dlt = undefined;
  bridge = undefined;
});

/** The requests of each complete poll (AARQ … RLRQ). */
function polls(requests: readonly string[]): string[][] {
  const out: string[][] = [];
  let current: string[] | undefined;
  for (const r of requests) {
    if (r === 'AARQ') current = [r];
    else current?.push(r);
    if (r === 'RLRQ' && current) {
      out.push(current);
      current = undefined;
    }
  }
  return out;
}

describe('IVY EM114070 dialing in to the DL/T 645 port', { timeout: 120_000 }, () => {
  it('is polled over its own connection (AARQ, one GET at a time, RLRQ) beside a DL/T 645 meter on the same port', async () => {
    bridge = await startBridge({}, [], [ivyDialInClaim]);
    const b = bridge;
    ivy = new IvyMeterSim({ host: '127.0.0.1', port: b.port, address: IVY, answerDelayMs: 20 });
    ivy.start();
    dlt = startDlt645Sim({ port: b.port, addresses: ['000000000011'], silentShare: 0, registrationShare: 0, threePhaseShare: 1 });
    dlt.setValue('000000000011', '02030000', 1.2345);

    await waitFor(() => b.hub.get(IVY)?.status.availability === 'online', { what: 'the IVY meter online', timeoutMs: LONG });
    await waitFor(() => typeof b.hub.get(IVY)?.state.VOLTAGE_TOTAL === 'number', { what: 'a polled voltage', timeoutMs: LONG });
    await waitFor(() => b.hub.get('000000000011')?.state.totalActivePower === 1234.5, {
      what: 'the DL/T 645 meter polled',
      timeoutMs: LONG,
    });
    const rec = b.hub.get(IVY)!;
    expect(rec.info).toMatchObject({ id: IVY, kind: 'dlms' });
    expect(rec.state.VOLTAGE_TOTAL).toBeGreaterThan(235);
    expect(rec.state.VOLTAGE_TOTAL).toBeLessThan(237);
    expect(rec.state.FREQUENCY).toBeCloseTo(50, 0);
    expect(rec.state.TOTAL_ENERGY_ABSOLUTE).toBe(1234.567);
    expect(rec.state.ACTIVE_POWER_IMPORT).toBe(118);

    const first = polls(ivy.requests)[0];
    expect(first![0]).toBe('AARQ');
    expect(first!.at(-1)).toBe('RLRQ');
    expect(first!.slice(1, -1).every((r) => r.startsWith('GET '))).toBe(true);
    expect(first).toContain('GET 1-0:12.7.0.255/2');
    expect(ivy.maxInFlight).toBe(1);
    expect(b.driver.pendingMeters()).toEqual([]);
  });

  it('takes its pushes on the same connection', async () => {
    bridge = await startBridge({}, [], [ivyDialInClaim]);
    const b = bridge;
    ivy = new IvyMeterSim({ host: '127.0.0.1', port: b.port, address: IVY });
    ivy.start();
    await waitFor(() => b.hub.get(IVY)?.status.availability === 'online', { what: 'the IVY meter online', timeoutMs: LONG });
    const sim = ivy;
    // GET never offers export power: only the pushed event-notification can set it.
    await waitFor(
      () => {
        sim.push(77);
        return b.hub.get(IVY)?.state.ACTIVE_POWER_EXPORT === 77;
      },
      { what: 'the pushed export power', intervalMs: 500, timeoutMs: LONG },
    );
  });

  it('keeps its connection past the DL/T 645 time budget while it answers', async () => {
    // Idle budget: max(idle_timeout 5 s, 3 × poll_interval 1 s) = 5 s without a valid frame.
    bridge = await startBridge({ idle_timeout: 5 }, [], [ivyDialInClaim]);
    const b = bridge;
    ivy = new IvyMeterSim({ host: '127.0.0.1', port: b.port, address: IVY });
    ivy.start();
    const sim = ivy;
    // Eight polls a second apart span more than the 5 s budget.
    await waitFor(() => polls(sim.requests).length >= 8, { what: 'eight polls', timeoutMs: 60_000 });
    expect(sim.connections).toBe(1);
    expect(b.logs.filter((l) => l.msg.includes('closed'))).toEqual([]);
  });

  it('is forgotten when its device is removed, and adopted again when it dials in again', async () => {
    bridge = await startBridge({}, [], [ivyDialInClaim]);
    const b = bridge;
    ivy = new IvyMeterSim({ host: '127.0.0.1', port: b.port, address: IVY });
    ivy.start();
    const sim = ivy;
    await waitFor(() => b.hub.get(IVY)?.status.availability === 'online', { what: 'the IVY meter online', timeoutMs: LONG });
    await b.hub.removeDevice(IVY);
    await waitFor(() => sim.connections >= 2 && b.hub.get(IVY)?.status.availability === 'online', {
      what: 'the IVY meter back after dialing in again',
      timeoutMs: LONG,
    });
  });

  it('is routed by the driver the registry builds, with no DLMS options at all', async () => {
    const port = await freePort();
    const hub = new Hub();
    const options = optionsSchema.parse({ dlt645: { listen_port: port, poll_interval: 1, timeout: 1 } });
    // What the app does: the DL/T 645 driver with every definition's dial-in claims.
    const definition = DEFINITIONS.find((d) => d.kind === 'dlt645')!;
    const dialIn = await Promise.all(DEFINITIONS.flatMap((d) => ('dialIn' in d ? [d.dialIn()] : [])));
    const { createDriver } = await definition.load();
    registryDriver = createDriver({
      hub,
      log: createLogger('silent'),
      options,
      dataDir: '/tmp',
      reportConfigError: () => undefined,
      dialIn,
    });
    await registryDriver.start();
    ivy = new IvyMeterSim({ host: '127.0.0.1', port, address: IVY });
    ivy.start();
    await waitFor(() => typeof hub.get(IVY)?.state.VOLTAGE_TOTAL === 'number', { what: 'a polled voltage', timeoutMs: LONG });
  });

  it('is adopted under the DL/T 645 adoption limits', async () => {
    bridge = await startBridge({ auto_adopt: false }, [], [ivyDialInClaim]);
    const b = bridge;
    ivy = new IvyMeterSim({ host: '127.0.0.1', port: b.port, address: IVY });
    ivy.start();
    await waitFor(() => b.driver.pendingMeters().some((m) => m.address === IVY), { what: 'the IVY meter pending', timeoutMs: LONG });
    expect(b.driver.pendingMeters()[0]).toMatchObject({ address: IVY, reason: 'auto_adopt_off' });
    expect(b.hub.get(IVY)).toBeUndefined();
  });
});
