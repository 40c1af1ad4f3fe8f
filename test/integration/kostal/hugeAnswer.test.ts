/** A wrong host answering with an endless or oversized page: the read stops at the cap, clearly named. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_ANSWER_BYTES, httpGet } from '../../../server/drivers/kostal/http.ts';
import { testConnection } from '../../../server/drivers/kostal/driver.ts';
import { waitFor } from '../../support/ports.ts';

interface Hostile {
  host: string;
  /** Bytes the server managed to hand to its socket. */
  written(): number;
  /** The client's socket has closed. */
  closed(): boolean;
}

const servers: http.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

/** 127.0.0.2 stands for a wrong host on the LAN. `declared` is a Content-Length to announce. */
async function hostile(mode: 'endless' | 'declared'): Promise<Hostile> {
  let written = 0;
  let closed = false;
  const chunk = Buffer.alloc(64 * 1024, '<b><i><font>x');
  const server = http.createServer((req, res) => {
    req.socket.on('close', () => (closed = true));
    if (mode === 'declared') {
      // Announce 50 MB, send one chunk and stall: only the header can fail this quickly.
      res.writeHead(200, { 'Content-Length': String(50 << 20) });
      res.write(chunk);
      written += chunk.length;
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/html' });
    const pump = (): void => {
      while (!closed && res.write(chunk)) written += chunk.length;
      if (!closed) res.once('drain', pump);
    };
    pump();
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.2', r));
  const { port } = server.address() as AddressInfo;
  return { host: `127.0.0.2:${port}`, written: () => written, closed: () => closed };
}

describe('Kostal HTTP answers larger than any PIKO page', () => {
  it('an endless page stops at the cap with a clear error and the socket is closed', async () => {
    const h = await hostile('endless');
    await expect(httpGet({ host: h.host, timeoutMs: 30_000 }, '/index.fhtml')).rejects.toThrow(
      `the answer from ${h.host} is larger than 1 MB: not a Kostal PIKO?`,
    );
    await waitFor(h.closed, { what: 'the client to close the socket' });
    // Socket buffers hold a few MB at most; the client did not keep reading.
    expect(h.written()).toBeLessThan(MAX_ANSWER_BYTES + (16 << 20));
  });

  it('a declared length over the cap fails at once, without waiting for the body', async () => {
    const h = await hostile('declared');
    await expect(httpGet({ host: h.host, timeoutMs: 60_000 }, '/index.fhtml')).rejects.toThrow(/larger than 1 MB: not a Kostal PIKO\?/);
    await waitFor(h.closed, { what: 'the client to close the socket' });
  });

  it('onboarding "test connection" of such a host reports it', async () => {
    const h = await hostile('endless');
    const result = await testConnection({ host: h.host, generation: 'classic', timeout: 30 });
    expect(result).toMatchObject({ ok: false, message: expect.stringContaining('not a Kostal PIKO?') });
  });
});
