/**
 * The live stream's bounds over real sockets: a client that stops reading costs the server
 * a bounded number of bytes (counted, not timed), catches up with a fresh snapshot once it
 * reads again, and closing it removes every listener it added to the hub.
 */
import { afterEach, describe, expect, it } from 'vitest';
import http, { type ServerResponse } from 'node:http';
import net from 'node:net';
import { setImmediate as turn } from 'node:timers/promises';
import { type DeviceRecord, Hub, type HubEvents, type PublishedReading } from '../../../server/core/hub.ts';
import type { BrokerInfo } from '../../../server/web/context.ts';
import { type LiveSubscription, MAX_QUEUED_BYTES, openLiveStream } from '../../../server/web/liveStream.ts';
import { createWebServer } from '../../../server/web/server.ts';
import { waitFor } from '../../support/ports.ts';
import { testWebContext } from '../../support/webContext.ts';

const HUB_EVENTS: (keyof HubEvents)[] = ['readings', 'status', 'device-added', 'device-changed', 'device-removed', 'event', 'diagnostics'];
const broker = (): BrokerInfo => ({
  source: 'embedded',
  url: 'mqtt://127.0.0.1:1883',
  connected: true,
  queued: 0,
  dropped: 0,
  published: 0,
});
const listeners = (hub: Hub) => HUB_EVENTS.reduce((n, e) => n + hub.listenerCount(e), 0);

const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

function meterHub(): { hub: Hub; rec: DeviceRecord } {
  const hub = new Hub();
  hub.addDevice({ id: 'm1', kind: 'test', name: 'M1' }, [{ key: 'note', name: 'Note' }]);
  return { hub, rec: hub.get('m1')! };
}

/** A stream on a plain HTTP server, so the test sees the response's own buffer. */
async function streamServer(hub: Hub): Promise<{ port: number; opened: Promise<{ res: ServerResponse; sub: LiveSubscription }> }> {
  let resolve!: (v: { res: ServerResponse; sub: LiveSubscription }) => void;
  const opened = new Promise<{ res: ServerResponse; sub: LiveSubscription }>((r) => (resolve = r));
  const server = http.createServer((_req, res) => resolve({ res, sub: openLiveStream(hub, broker, res) }));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => new Promise<void>((r) => server.close(() => r())));
  closers.push(() => void server.closeAllConnections());
  return { port: (server.address() as net.AddressInfo).port, opened };
}

describe('live stream backpressure', () => {
  it('keeps what a client that does not read costs bounded, and resends the state once it reads again', async () => {
    const { hub, rec } = meterHub();
    const { port, opened } = await streamServer(hub);
    const client = net.connect(port, '127.0.0.1');
    closers.push(() => void client.destroy());
    client.write('GET /api/stream HTTP/1.1\r\nHost: x\r\n\r\n');
    client.pause();
    const { res, sub } = await opened;
    expect(listeners(hub)).toBe(HUB_EVENTS.length);

    const note: PublishedReading[] = [{ register: rec.registers[0]!, value: 'x'.repeat(4096) }];
    // The socket's buffer, the queue, and one event each may go beyond its bound by.
    const bound = res.writableHighWaterMark + MAX_QUEUED_BYTES + 2 * 8192;
    let sent = 0;
    let peak = 0;
    // Events until the stream has had to drop some: the kernel's buffers fill first.
    while (sub.dropped === 0) {
      for (let i = 0; i < 64; i++) {
        hub.emit('readings', rec, note, Date.now());
        peak = Math.max(peak, res.writableLength + sub.queuedBytes);
      }
      sent += 64 * 4096;
      expect(sent, 'no drop after 256 MB of events').toBeLessThan(256 * 1024 * 1024);
      await turn();
    }
    // Keep sending to the client, which still does not read: past the drop, the bound holds too.
    for (let i = 0; i < 4096; i++) {
      hub.emit('readings', rec, note, Date.now());
      peak = Math.max(peak, res.writableLength + sub.queuedBytes);
      if (i % 64 === 0) await turn();
    }
    expect(peak).toBeLessThanOrEqual(bound);
    expect(peak).toBeGreaterThan(MAX_QUEUED_BYTES / 2);

    // Reading again, the client gets a snapshot after the readings it did receive.
    let text = '';
    client.on('data', (b: Buffer) => {
      text = (text + b.toString('latin1')).slice(-65536);
    });
    client.resume();
    hub.get('m1')!.state.note = 'latest';
    await waitFor(() => /event: snapshot\ndata: \[\{"id":"m1".*"note":"latest"/.test(text), {
      what: 'a fresh snapshot',
      timeoutMs: 30_000,
    });

    client.destroy();
    await waitFor(() => listeners(hub) === 0, { what: 'the stream’s hub listeners removed' });
  });
});

describe('live stream lifetime', () => {
  it('removes every hub listener when a client goes, and ends open streams when the server closes', async () => {
    const { hub } = meterHub();
    const app = await createWebServer(testWebContext(hub, { broker, removeDevice: async () => false }), {
      ingressOnly: false,
      uiDir: '/nonexistent',
    });
    closers.push(() => app.close());
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as net.AddressInfo;
    const before = listeners(hub);

    const open = async () => {
      const abort = new AbortController();
      const res = await fetch(`http://127.0.0.1:${port}/api/stream`, { signal: abort.signal });
      const reader = res.body!.getReader();
      await reader.read();
      return { abort, reader };
    };
    const first = await open();
    const second = await open();
    expect(listeners(hub)).toBe(before + 2 * HUB_EVENTS.length);
    first.abort.abort();
    await waitFor(() => listeners(hub) === before + HUB_EVENTS.length, { what: 'the first client’s listeners removed' });

    await app.close();
    expect(listeners(hub)).toBe(before);
    // The server ended the second stream instead of waiting for the client to go.
    for (;;) {
      const { done } = await second.reader.read().catch(() => ({ done: true }));
      if (done) break;
    }
  });
});
