/**
 * Web figures: what one live-stream client that stops reading costs the server. 64 MB of
 * events go to a client that never reads; the figure is the most the stream held for it
 * at once (the response's buffer plus the stream's queue), and how much of it was dropped.
 */
import http from 'node:http';
import net from 'node:net';
import { setImmediate as turn } from 'node:timers/promises';
import { Hub, type PublishedReading } from '../server/core/hub.ts';
import { type LiveSubscription, openLiveStream } from '../server/web/liveStream.ts';

const EVENT_BYTES = 4096;
const EVENTS = (64 * 1024 * 1024) / EVENT_BYTES;

export async function bench(): Promise<Record<string, unknown>[]> {
  const hub = new Hub();
  hub.addDevice({ id: 'bench_meter', kind: 'bench', name: 'Bench meter' }, [{ key: 'note', name: 'Note' }]);
  const rec = hub.get('bench_meter')!;
  const broker = () => ({ source: 'embedded' as const, url: '', connected: true, queued: 0, dropped: 0, published: 0 });
  let stream: { res: http.ServerResponse; sub: LiveSubscription } | undefined;
  const server = http.createServer((_req, res) => {
    stream = { res, sub: openLiveStream(hub, broker, res) };
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
  try {
    client.write('GET /api/stream HTTP/1.1\r\nHost: bench\r\n\r\n');
    client.pause();
    while (!stream) await turn();
    const { res, sub } = stream;
    const note: PublishedReading[] = [{ register: rec.registers[0]!, value: 'x'.repeat(EVENT_BYTES) }];
    let peak = 0;
    for (let i = 1; i <= EVENTS; i++) {
      hub.emit('readings', rec, note, i);
      peak = Math.max(peak, res.writableLength + sub.queuedBytes);
      // Let the socket hand what it can to the kernel, as between real events.
      if (i % 64 === 0) await turn();
    }
    return [
      {
        figure: 'sse_slow_client_held_bytes',
        value: peak,
        unit: 'bytes',
        events_sent: EVENTS,
        bytes_sent: EVENTS * EVENT_BYTES,
        events_dropped: sub.dropped,
      },
    ];
  } finally {
    client.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
