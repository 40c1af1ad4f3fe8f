/** A configured GX is listed from the start, before its portal id is known, and says why it does not connect. */
import { afterEach, describe, expect, it } from 'vitest';
import { Hub } from '../../../server/core/hub.ts';
import { createLogger } from '../../../server/core/logger.ts';
import { createVictronDriver } from '../../../server/drivers/victron/driver.ts';
import { optionsSchema } from '../../../server/options/schema.ts';
import { freePort, waitFor } from '../../support/ports.ts';
import { GxSimulator } from '../../../server/sim/victron/gx.ts';
import { DRIVER_TIMING, PORTAL, SIM_TIMING } from './harness.ts';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function startDriver(hub: Hub, system: Record<string, unknown>): Promise<void> {
  const driver = createVictronDriver(
    {
      hub,
      log: createLogger('silent'),
      options: optionsSchema.parse({ victron: [system] }),
      dataDir: '/tmp',
      reportConfigError: () => undefined,
    },
    DRIVER_TIMING,
  );
  cleanup.push(() => driver.stop());
  await driver.start();
}

async function refusedGx(system: Record<string, unknown>) {
  const hub = new Hub();
  const port = await freePort();
  await startDriver(hub, { host: '127.0.0.2', port, name: 'Boat GX', ...system });
  return { hub, port };
}

describe('a Victron GX that never connects', () => {
  it('without a portal id is listed under its host at once, then in fault with the reason', async () => {
    const { hub, port } = await refusedGx({});
    const id = `victron_127_0_0_2_${port}`;
    expect(hub.list().map((d) => [d.info.id, d.info.name, d.status.availability])).toEqual([[id, 'Boat GX', 'connecting']]);
    const fault = await waitFor(() => (hub.get(id)?.status.availability === 'fault' ? hub.get(id)?.status : undefined), {
      timeoutMs: 20_000,
      what: 'the GX in fault',
    });
    expect(fault.reason).toMatch(/^never connected: .*ECONNREFUSED/);
  });

  it('with a portal id is in fault with the reason', async () => {
    const { hub } = await refusedGx({ portal_id: PORTAL });
    const fault = await waitFor(() => (hub.get(`victron_${PORTAL}`)?.status.availability === 'fault' ? hub.list() : undefined), {
      timeoutMs: 20_000,
      what: 'the GX in fault',
    });
    expect(fault.map((d) => d.info.id)).toEqual([`victron_${PORTAL}`]);
  });

  it('the host-listed entry gives way to the GX once its portal id is learnt', async () => {
    const gx = await GxSimulator.start({ ...SIM_TIMING, portalId: PORTAL });
    cleanup.push(() => gx.stop());
    const hub = new Hub();
    const added: string[] = [];
    const removed: string[] = [];
    hub.on('device-added', (rec) => added.push(rec.info.id));
    hub.on('device-removed', (rec) => removed.push(rec.info.id));
    await startDriver(hub, { host: '127.0.0.1', port: gx.port, name: 'Boat GX' });
    await waitFor(() => hub.get(`victron_${PORTAL}`)?.status.availability === 'online', { what: 'the GX online' });
    const hostId = `victron_127_0_0_1_${gx.port}`;
    expect(added[0]).toBe(hostId);
    expect(removed).toEqual([hostId]);
    expect(hub.get(hostId)).toBeUndefined();
  });
});
