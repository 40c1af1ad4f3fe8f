/** A host on the meter's port answering with an endless or oversized body: the read stops at the cap. */
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateClientIdentity } from '../../../server/certs/generate.ts';
import { BODY_LIMIT, METER_CIPHERS, MeterClient } from '../../../server/drivers/itron/meterClient.ts';
import { waitFor } from '../../support/ports.ts';

let client: { certPem: string; keyPem: string };
let server: https.Server;
let port: number;
let written = 0;
let closed = 0;

beforeAll(async () => {
  client = await generateClientIdentity();
  const meter = await generateClientIdentity({ subject: 'CN=itron-meter-test' });
  const chunk = Buffer.alloc(64 * 1024, '<a>');
  server = https.createServer(
    { cert: meter.certPem, key: meter.keyPem, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: METER_CIPHERS },
    (req, res) => {
      let gone = false;
      req.socket.on('close', () => {
        gone = true;
        closed++;
      });
      if (req.url === '/declared') {
        // Announce 50 MB, send one chunk and stall: only the header can fail this quickly.
        res.writeHead(200, { 'Content-Length': String(50 << 20) });
        res.write(chunk);
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/sep+xml' });
      const pump = (): void => {
        while (!gone && res.write(chunk)) written += chunk.length;
        if (!gone) res.once('drain', pump);
      };
      pump();
    },
  );
  // 127.0.0.3 stands for a wrong host on the LAN.
  await new Promise<void>((r) => server.listen(0, '127.0.0.3', r));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

async function failureOf(path: string): Promise<{ code: string; message: string }> {
  const meter = new MeterClient({ host: '127.0.0.3', port, certPem: client.certPem, keyPem: client.keyPem, timeoutMs: 30_000 });
  try {
    await meter.get(path);
    throw new Error('the request succeeded');
  } catch (err) {
    return err as { code: string; message: string };
  } finally {
    meter.close();
  }
}

describe('2030.5 answers larger than any meter body', () => {
  it('an endless body stops at the cap with a clear error and the socket is closed', async () => {
    const before = closed;
    expect(await failureOf('/upt')).toMatchObject({
      code: 'bad_response',
      message: `the answer from 127.0.0.3:${port}/upt is larger than 1 MB: not a 2030.5 meter?`,
    });
    await waitFor(() => closed > before, { what: 'the client to close the socket' });
    expect(written).toBeLessThan(BODY_LIMIT + (16 << 20));
  });

  it('a declared length over the cap fails at once, without waiting for the body', async () => {
    expect(await failureOf('/declared')).toMatchObject({ code: 'bad_response', message: expect.stringContaining('not a 2030.5 meter?') });
  });
});
