/** A configured Xcom-232i link is listed from the start, before a bus scan found its devices. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { Hub } from '../../../server/core/hub.ts';
import { createLogger } from '../../../server/core/logger.ts';
import { createXtenderDriver } from '../../../server/drivers/xtender/driver.ts';
import { optionsSchema } from '../../../server/options/schema.ts';
import { waitFor } from '../../support/ports.ts';
import { startRig, type Rig } from './harness.ts';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

it('a link whose serial port is not there is listed as connecting at once, then in fault with the reason', async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'xtender-visible-'));
  const hub = new Hub();
  const driver = createXtenderDriver({
    hub,
    log: createLogger('silent'),
    options: optionsSchema.parse({ xtender: [{ name: 'Cabin', serial_port: path.join(dataDir, 'ttyUSB9') }] }),
    dataDir,
    reportConfigError: () => undefined,
  });
  cleanup.push(
    () => rmSync(dataDir, { recursive: true, force: true }),
    () => driver.stop(),
  );
  await driver.start();
  expect(hub.list().map((d) => [d.info.id, d.info.name, d.status.availability])).toEqual([
    ['xtender_ttyUSB9', 'Cabin Xcom-232i link', 'connecting'],
  ]);
  const status = await waitFor(
    () => (hub.get('xtender_ttyUSB9')?.status.availability === 'fault' ? hub.get('xtender_ttyUSB9')?.status : undefined),
    {
      what: 'the link in fault',
    },
  );
  expect(status.reason).toMatch(/^link down: .*ttyUSB9 is not there/);
});

it('the link entry gives way to the devices the scan finds', async () => {
  const rig: Rig = await startRig({ devices: 'xt:1' });
  // Listened to before any serial round trip: the scan that removes the link entry needs several.
  const removed: string[] = [];
  rig.hub.on('device-removed', (rec) => removed.push(rec.info.id));
  cleanup.push(() => rig.stop());
  const linkId = `xtender_${path.basename(rig.pty.a).replace(/[^A-Za-z0-9]+/g, '_')}`;
  await waitFor(() => rig.hub.list().some((d) => d.info.id !== linkId && d.status.availability === 'online'), {
    timeoutMs: 20_000,
    what: 'a device online',
  });
  expect(removed).toEqual([linkId]);
  expect(rig.hub.get(linkId)).toBeUndefined();
});
