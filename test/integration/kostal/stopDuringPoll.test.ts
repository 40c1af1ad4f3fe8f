/**
 * A stop while the inverter holds a request open ends that request at once instead of
 * waiting for its timeout, and reports nothing about it: the device is not turned into a
 * fault by its own driver stopping.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { Hub } from '../../../server/core/hub.ts';
import { createLogger } from '../../../server/core/logger.ts';
import { createKostalDriver } from '../../../server/drivers/kostal/driver.ts';
import { optionsSchema } from '../../../server/options/schema.ts';
import { waitFor } from '../../support/ports.ts';

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanup.splice(0).reverse()) c();
});

it('ends the request under way when stopped, and reports no fault for it', async () => {
  // An inverter that accepts the connection and never answers.
  const held: net.Socket[] = [];
  const server = net.createServer((socket) => {
    held.push(socket);
    // Reading, so that the bridge closing its side shows here.
    socket.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  cleanup.push(() => {
    for (const s of held) s.destroy();
    server.close();
  });
  const dir = mkdtempSync(path.join(tmpdir(), 'kostal-stop-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  const hub = new Hub();
  const statuses: string[] = [];
  hub.on('status', (rec) => statuses.push(rec.status.availability));
  const driver = createKostalDriver({
    hub,
    log: createLogger('silent'),
    dataDir: dir,
    // Longer than this test may run: a stop that waited for it would time the test out.
    options: optionsSchema.parse({ kostal: [{ host: `127.0.0.1:${port}`, timeout: 60 }] }),
    reportConfigError: () => undefined,
  });
  await driver.start();
  await waitFor(() => held.length > 0, { what: 'the poll to connect' });
  let closedByBridge = false;
  held[0]!.on('close', () => {
    closedByBridge = true;
  });
  await driver.stop();
  await waitFor(() => closedByBridge, { what: 'the held request to be closed by the bridge' });
  expect(statuses).not.toContain('fault');
}, 30_000);
