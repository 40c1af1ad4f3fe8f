/**
 * An Xcom-232i link with its devices is one session: a throw in the port's data handler
 * faults every device on it (logged once with their names) and a fresh session brings them
 * back after the boundary's backoff.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Hub } from '../../../server/core/hub.ts';
import { createLogger } from '../../../server/core/logger.ts';
import { createXtenderDriver } from '../../../server/drivers/xtender/driver.ts';
import { ScomLink } from '../../../server/drivers/xtender/link.ts';
import { optionsSchema } from '../../../server/options/schema.ts';
import { startDemoSim } from '../../../server/sim/xtender/demo.ts';
import { waitFor } from '../../support/ports.ts';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const c of cleanup.splice(0).reverse()) await c();
});

describe('Xtender session boundary', () => {
  it('a throw in the link’s data handler faults all its devices, and a fresh session brings them back', async () => {
    const demo = await startDemoSim();
    const dataDir = mkdtempSync(path.join(tmpdir(), 'xtender-boundary-'));
    cleanup.push(
      () => rmSync(dataDir, { recursive: true, force: true }),
      () => demo.stop(),
    );
    const options = optionsSchema.parse({});
    demo.configure(options);
    const lines: { level: number; msg: string }[] = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        for (const l of String(chunk).split('\n')) if (l) lines.push(JSON.parse(l) as { level: number; msg: string });
        cb();
      },
    });
    const hub = new Hub();
    const driver = createXtenderDriver({ hub, log: createLogger('info', sink), options, dataDir, reportConfigError: () => undefined });
    cleanup.push(() => driver.stop());
    await driver.start();
    const online = () => hub.list().filter((d) => d.status.availability === 'online').length;
    await waitFor(() => online() === 6, { what: 'six devices online', timeoutMs: 20_000 });
    const faults = new Map<string, string | undefined>();
    hub.on('status', (rec) => {
      if (rec.status.availability === 'fault') faults.set(rec.info.id, rec.status.reason);
    });

    const onData = Reflect.get(ScomLink.prototype, 'onData') as (this: ScomLink, chunk: Buffer) => void;
    let thrown = 0;
    vi.spyOn(ScomLink.prototype as unknown as { onData: (chunk: Buffer) => void }, 'onData').mockImplementation(function (
      this: ScomLink,
      chunk: Buffer,
    ) {
      if (thrown === 0) {
        thrown++;
        throw new RangeError('Index out of range');
      }
      onData.call(this, chunk);
    });

    await waitFor(() => faults.size === 6, { what: 'all six devices in fault', timeoutMs: 20_000 });
    expect(new Set(faults.values())).toEqual(new Set(['internal error: Index out of range']));
    const faultLines = lines.filter((l) => l.level === 50);
    expect(faultLines).toHaveLength(1);
    expect(faultLines[0]!.msg).toMatch(
      /^Xtender link \S+ \(Xtender demo Xcom-232i, Xtender demo Xtender 1, .*\): internal error: Index out of range/,
    );
    await waitFor(() => online() === 6, { what: 'six devices back online', timeoutMs: 30_000 });
  }, 60_000);
});
