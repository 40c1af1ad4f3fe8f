import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateAndStore } from '../../../server/certs/store.ts';
import { createItronDriver } from '../../../server/drivers/itron/driver.ts';
import { ITRON_CRAWL, itronDocument } from '../../support/deviceDocuments.ts';
import { waitFor } from '../../support/ports.ts';
import { testContext } from './context.ts';
import { opensslServer, writeServerIdentity, writeTree, type Peer } from './tlsPeers.ts';

/**
 * `s_server -WWW` serves files by URL path (a query becomes part of the file name), so the
 * tree holds the fixture documents at their paths; paged list GETs are not found, which
 * sends the driver to the firmware table for 3.2.50 — the old bridge's known-good paths.
 */
describe('driver against openssl s_server -tls1_2 -cipher ECDHE-ECDSA-AES128-CCM8 -Verify 1 -WWW', () => {
  let root: string;
  let peer: Peer;
  let ctx: Awaited<ReturnType<typeof testContext>>;

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'wattwire-sserver-'));
    const files: Record<string, string> = { 'sdev/sdi': itronDocument('sdev-sdi.xml') };
    for (const { path: p, file } of ITRON_CRAWL) files[p.slice(1)] = itronDocument(file);
    // A path cannot be both a file and a directory: drop the list documents that collide.
    const leaves = Object.fromEntries(Object.entries(files).filter(([p]) => !Object.keys(files).some((q) => q.startsWith(`${p}/`))));
    await writeTree(path.join(root, 'www'), leaves);
    const id = await writeServerIdentity(root);
    peer = await opensslServer({ cwd: path.join(root, 'www'), ...id });
    ctx = await testContext([{ host: '127.0.0.1', port: peer.port, poll_interval: 1, timeout: 3 }]);
    await generateAndStore(ctx.dataDir);
  });
  afterAll(async () => {
    await peer?.stop();
    await ctx?.cleanup();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('reads the meter with the real cipher and publishes the crawled values', async () => {
    const driver = createItronDriver(ctx);
    await driver.start();
    try {
      const lfdi = 'FA1571F88C93983E7C89DA3A5455DE788D16BE63';
      const rec = await waitFor(
        () => {
          const r = ctx.hub.get(lfdi);
          return r?.status.availability === 'online' ? r : undefined;
        },
        { what: 'meter online', timeoutMs: 20_000 },
      );
      expect(rec.info.swVersion).toBe('3.2.50');
      expect(rec.state).toMatchObject({
        demand: 982,
        energy_received: 962.157,
        energy_delivered: 5839.187,
        power_factor: 85.8,
        power_factor_a: null,
        max_demand_delivered: 5940,
      });
      expect(rec.diagnostics).toMatchObject({ layout: 'firmware table', firmwareTable: '3.2.50' });
      expect(rec.diagnostics.handshakes).toBeGreaterThanOrEqual(1);
    } finally {
      await driver.stop();
    }
  });
});
