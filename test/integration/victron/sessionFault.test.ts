/**
 * A bug while handling one GX's messages takes only that GX's session down: its devices go
 * `fault` with the reason, it is logged once with their names, and a fresh session brings
 * them back after the boundary's backoff while the other GX keeps publishing.
 */
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Hub } from '../../../server/core/hub.ts';
import { createLogger } from '../../../server/core/logger.ts';
import { GxDevices } from '../../../server/drivers/victron/devices.ts';
import { createVictronDriver } from '../../../server/drivers/victron/driver.ts';
import type { Driver } from '../../../server/drivers/types.ts';
import { optionsSchema } from '../../../server/options/schema.ts';
import { GxSimulator } from '../../../server/sim/victron/gx.ts';
import { waitFor } from '../../support/ports.ts';
import { DRIVER_TIMING, SIM_TIMING } from './harness.ts';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const c of cleanup.splice(0).reverse()) await c();
});

describe('Victron session boundary', () => {
  it('a throw while ingesting one GX’s values faults that GX’s devices only, and a fresh session brings them back', async () => {
    const simA = await GxSimulator.start({ ...SIM_TIMING, portalId: 'c0619ab00001' });
    const simB = await GxSimulator.start({ ...SIM_TIMING, portalId: 'c0619ab00002' });
    cleanup.push(
      () => simA.stop(),
      () => simB.stop(),
    );
    const idA = 'victron_c0619ab00001';
    const idB = 'victron_c0619ab00002';
    const lines: { level: number; msg: string }[] = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        for (const l of String(chunk).split('\n')) if (l) lines.push(JSON.parse(l) as { level: number; msg: string });
        cb();
      },
    });
    const hub = new Hub();
    const seenA: { availability: string; reason?: string }[] = [];
    const seenB: string[] = [];
    hub.on('status', (rec) => {
      if (rec.info.id === idA) seenA.push({ availability: rec.status.availability, reason: rec.status.reason });
      if (rec.info.id === idB) seenB.push(rec.status.availability);
    });
    const driver: Driver = createVictronDriver(
      {
        hub,
        log: createLogger('info', sink),
        options: optionsSchema.parse({
          victron: [
            { host: '127.0.0.1', port: simA.port, portal_id: simA.portalId, name: 'Boat GX' },
            { host: '127.0.0.1', port: simB.port, portal_id: simB.portalId, name: 'House GX' },
          ],
        }),
        dataDir: '/tmp',
        reportConfigError: () => undefined,
      },
      DRIVER_TIMING,
    );
    cleanup.push(() => driver.stop());
    await driver.start();
    await waitFor(() => hub.get(idA)?.status.availability === 'online' && hub.get(idB)?.status.availability === 'online', {
      timeoutMs: 20_000,
      what: 'both GX online',
    });
    const onlineB = seenB.length;

    const ingest = GxDevices.prototype.ingest;
    let thrown = 0;
    vi.spyOn(GxDevices.prototype, 'ingest').mockImplementation(function (this: GxDevices, ...args: Parameters<GxDevices['ingest']>) {
      const { gxId } = Reflect.get(this, 'cfg') as { gxId: string };
      if (gxId === idA && thrown === 0) {
        thrown++;
        throw new TypeError("Cannot read properties of undefined (reading 'value')");
      }
      return ingest.apply(this, args);
    });

    await waitFor(() => seenA.some((s) => s.availability === 'fault'), { timeoutMs: 20_000, what: 'the boat GX in fault' });
    expect(seenA.find((s) => s.availability === 'fault')?.reason).toBe(
      "internal error: Cannot read properties of undefined (reading 'value')",
    );
    const faultLines = lines.filter((l) => l.level === 50);
    expect(faultLines).toHaveLength(1);
    expect(faultLines[0]!.msg).toContain('Boat GX');
    const readingsB = hub.get(idB)?.counters.readings ?? 0;
    await waitFor(() => hub.get(idA)?.status.availability === 'online', { timeoutMs: 20_000, what: 'the boat GX back online' });
    await waitFor(() => (hub.get(idB)?.counters.readings ?? 0) > readingsB, { what: 'the house GX still publishing' });
    expect(seenB.slice(onlineB)).toEqual([]);
  }, 60_000);
});
