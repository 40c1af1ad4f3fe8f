import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateClientIdentity } from '../../../server/certs/generate.ts';
import { generateAndStore, loadClientCredentials, type ClientCredentials } from '../../../server/certs/store.ts';
import type { DiagnosisCode } from '../../../server/drivers/itron/diagnosis.ts';
import { createItronDriver } from '../../../server/drivers/itron/driver.ts';
import { MeterClient } from '../../../server/drivers/itron/meterClient.ts';
import { startItronSim } from '../../../server/sim/itron/server.ts';
import { freePort, waitFor } from '../../support/ports.ts';
import { testContext } from './context.ts';
import { blackHole, opensslServer, writeServerIdentity } from './tlsPeers.ts';

let dir: string;
let creds: ClientCredentials;

async function diagnosisOf(port: number, timeoutMs = 1500): Promise<{ code: DiagnosisCode; message: string }> {
  const client = new MeterClient({ host: '127.0.0.1', port, certPem: creds.certPem, keyPem: creds.keyPem, timeoutMs });
  try {
    await client.get('/sdev/sdi');
    throw new Error('the request succeeded');
  } catch (err) {
    return err as { code: DiagnosisCode; message: string };
  } finally {
    client.close();
  }
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'wattwire-itron-fail-'));
  await generateAndStore(dir);
  creds = (await loadClientCredentials(dir))!;
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('each connection failure gets its own diagnosis', () => {
  it('LFDI not registered: openssl refuses our certificate with a handshake alert', async () => {
    const id = await writeServerIdentity(dir);
    const other = await generateClientIdentity();
    const caFile = path.join(dir, 'registered.pem');
    await writeFile(caFile, other.certPem);
    const peer = await opensslServer({ cwd: dir, ...id, extra: ['-verify_return_error', '-CAfile', caFile] });
    try {
      expect(await diagnosisOf(peer.port)).toMatchObject({ code: 'not_registered', message: expect.stringContaining('TLS alert') });
    } finally {
      await peer.stop();
    }
  });

  it('LFDI not registered: the simulator answers 401 like the real agent, or closes the connection', async () => {
    for (const refusal of ['http401', 'close'] as const) {
      const sim = await startItronSim({ registered: [], refusal });
      try {
        expect(await diagnosisOf(sim.port)).toMatchObject({ code: 'not_registered' });
        sim.register(creds.lfdi);
        expect(await diagnosisOf(sim.port).catch((e: Error) => e.message)).toMatchObject({ message: 'the request succeeded' });
      } finally {
        await sim.stop();
      }
    }
  });

  it('cipher refused: a TLS server without CCM8', async () => {
    const id = await writeServerIdentity(dir);
    const peer = await opensslServer({ cwd: dir, ...id, cipher: 'ECDHE-ECDSA-AES256-GCM-SHA384' });
    try {
      expect(await diagnosisOf(peer.port)).toMatchObject({ code: 'cipher_refused' });
    } finally {
      await peer.stop();
    }
  });

  it('connection refused: nothing listens', async () => {
    expect(await diagnosisOf(await freePort())).toMatchObject({ code: 'connection_refused' });
  });

  it('connection timed out: the SYN is never answered', async () => {
    const hole = await blackHole();
    try {
      expect(await diagnosisOf(hole.port, 800)).toMatchObject({ code: 'timeout', message: expect.stringContaining('timed out') });
    } finally {
      await hole.stop();
    }
  });

  it('meter agent hung: TCP accepted, no answer (new connection and kept-alive one)', async () => {
    const sim = await startItronSim({ registered: [creds.lfdi], hang: true });
    try {
      expect(await diagnosisOf(sim.port, 800)).toMatchObject({ code: 'agent_hung', message: expect.stringContaining('TLS handshake') });
      sim.setHang(false);
      const client = new MeterClient({ host: '127.0.0.1', port: sim.port, certPem: creds.certPem, keyPem: creds.keyPem, timeoutMs: 800 });
      try {
        await client.get('/sdev/sdi');
        sim.setHang(true);
        await expect(client.get('/sdev/sdi')).rejects.toMatchObject({
          code: 'agent_hung',
          message: expect.stringContaining('the request'),
        });
      } finally {
        client.close();
      }
    } finally {
      await sim.stop();
    }
  });

  it('the device status and diagnostics carry the diagnosis; the meter recovers when registered', async () => {
    const sim = await startItronSim({ registered: [] });
    const ctx = await testContext([{ host: '127.0.0.1', port: sim.port, lfdi: sim.lfdi, poll_interval: 1, timeout: 2 }]);
    await generateAndStore(ctx.dataDir);
    const driver = createItronDriver(ctx);
    await driver.start();
    try {
      const rec = await waitFor(
        () => {
          const r = ctx.hub.get(sim.lfdi);
          return r?.status.availability === 'fault' ? r : undefined;
        },
        { what: 'fault status' },
      );
      expect(rec.status.reason).toMatch(/not registered/);
      expect(rec.diagnostics).toMatchObject({ diagnosis: 'not_registered' });
      sim.register((await loadClientCredentials(ctx.dataDir))!.lfdi);
      await waitFor(() => ctx.hub.get(sim.lfdi)?.status.availability === 'online', {
        what: 'online after registration',
        timeoutMs: 15_000,
      });
    } finally {
      await driver.stop();
      await sim.stop();
      await ctx.cleanup();
    }
  });

  it('a meter not yet read shows under a placeholder id, then under its own LFDI', async () => {
    const sim = await startItronSim({ registered: [] });
    const ctx = await testContext([{ host: '127.0.0.1', port: sim.port, poll_interval: 1, timeout: 2 }]);
    const lfdi = (await generateAndStore(ctx.dataDir)).lfdi;
    const driver = createItronDriver(ctx);
    await driver.start();
    try {
      await waitFor(() => ctx.hub.get('itron-1')?.status.availability === 'fault', { what: 'placeholder in fault' });
      sim.register(lfdi);
      await waitFor(() => ctx.hub.get(sim.lfdi)?.status.availability === 'online', { what: 'meter under its LFDI', timeoutMs: 15_000 });
      expect(ctx.hub.get('itron-1')).toBeUndefined();
    } finally {
      await driver.stop();
      await sim.stop();
      await ctx.cleanup();
    }
  });

  it('no certificate yet: fault that says to generate one', async () => {
    const ctx = await testContext([{ host: '127.0.0.1', port: 1, lfdi: 'A'.repeat(40), poll_interval: 1 }]);
    const driver = createItronDriver(ctx);
    await driver.start();
    try {
      const rec = await waitFor(() => ctx.hub.get('A'.repeat(40))?.status.reason, { what: 'status reason' });
      expect(rec).toMatch(/No client certificate/);
      expect(await driver.testConnection!({ host: '127.0.0.1' })).toMatchObject({ ok: false, details: { code: 'no_certificate' } });
    } finally {
      await driver.stop();
      await ctx.cleanup();
    }
  });
});
