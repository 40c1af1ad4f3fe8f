/**
 * A bug in one inverter's poll takes only that inverter down: it goes `fault` with the
 * reason, is logged once with its name, and a fresh session brings it back after the
 * boundary's backoff while the other inverter keeps publishing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Hub } from '../../../server/core/hub.ts';
import { createLogger } from '../../../server/core/logger.ts';
import { createKostalDriver } from '../../../server/drivers/kostal/driver.ts';
import { InverterSession } from '../../../server/drivers/kostal/inverterSession.ts';
import type { Driver } from '../../../server/drivers/types.ts';
import { optionsSchema } from '../../../server/options/schema.ts';
import { KostalSim } from '../../../server/sim/kostal/simulator.ts';
import { waitFor } from '../../support/ports.ts';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const c of cleanup.splice(0).reverse()) await c();
});

describe('Kostal session boundary', () => {
  it('a defect in one inverter’s poll faults only that inverter, which a fresh session brings back', async () => {
    const simA = new KostalSim({ clock: { hour: 12 } });
    const simB = new KostalSim({ clock: { hour: 12 } });
    await simA.start();
    await simB.start();
    const dir = mkdtempSync(path.join(tmpdir(), 'kostal-boundary-'));
    cleanup.push(
      () => rmSync(dir, { recursive: true, force: true }),
      () => simA.stop(),
      () => simB.stop(),
    );
    const lines: { level: number; msg: string }[] = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        for (const l of String(chunk).split('\n')) if (l) lines.push(JSON.parse(l) as { level: number; msg: string });
        cb();
      },
    });
    const hub = new Hub();
    const idA = 'kostal_roof';
    const idB = 'kostal_garage';
    const seenA: { availability: string; reason?: string }[] = [];
    const seenB: string[] = [];
    hub.on('status', (rec) => {
      if (rec.info.id === idA) seenA.push({ availability: rec.status.availability, reason: rec.status.reason });
      if (rec.info.id === idB) seenB.push(rec.status.availability);
    });
    const report = Reflect.get(InverterSession.prototype, 'report') as (this: InverterSession, a: unknown) => Promise<void>;
    let thrown = 0;
    vi.spyOn(InverterSession.prototype as unknown as { report: (a: unknown) => Promise<void> }, 'report').mockImplementation(function (
      this: InverterSession,
      a: unknown,
    ) {
      if (this.deviceId === idA && thrown === 0) {
        thrown++;
        return Promise.reject(new TypeError("Cannot read properties of null (reading 'availability')"));
      }
      return report.call(this, a);
    });
    const options = optionsSchema.parse({
      kostal: [
        { host: simA.hostPort, id: idA, name: 'Roof inverter', password: 'pvwr', generation: 'classic', poll_interval: 5, timeout: 2 },
        { host: simB.hostPort, id: idB, name: 'Garage inverter', password: 'pvwr', generation: 'classic', poll_interval: 5, timeout: 2 },
      ],
    });
    const driver: Driver = createKostalDriver({
      hub,
      log: createLogger('info', sink),
      options,
      dataDir: dir,
      reportConfigError: () => undefined,
    });
    cleanup.push(() => driver.stop());
    await driver.start();

    await waitFor(() => seenA.some((s) => s.availability === 'fault'), { timeoutMs: 20_000, what: 'the roof inverter in fault' });
    expect(seenA.find((s) => s.availability === 'fault')?.reason).toBe(
      "internal error: Cannot read properties of null (reading 'availability')",
    );
    const faultLines = lines.filter((l) => l.level === 50);
    expect(faultLines).toHaveLength(1);
    expect(faultLines[0]!.msg).toContain('Roof inverter');
    await waitFor(() => hub.get(idA)?.status.availability === 'online', { timeoutMs: 20_000, what: 'the roof inverter back online' });
    await waitFor(() => (hub.get(idB)?.counters.readings ?? 0) > 0, { what: 'the garage inverter publishing' });
    expect(seenB.filter((s) => s !== 'online' && s !== 'connecting')).toEqual([]);
  }, 60_000);
});
