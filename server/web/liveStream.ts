/**
 * Server-Sent Events: a snapshot, then readings, status, devices and events as they happen.
 *
 * A client that does not read (a phone gone to sleep, a stalled proxy) must not make the
 * server queue its events without bound. Once the socket refuses more (`write` returns
 * false), events wait in a queue of at most MAX_QUEUED_BYTES and go out, oldest first, as
 * the socket drains; beyond that bound the queue is dropped, and after `drain` the client
 * gets a fresh snapshot, which holds everything it missed but the discrete events. A
 * client costs at most the socket's buffer, the queue and one event (or one snapshot).
 */
import type { ServerResponse } from 'node:http';
import type { DeviceEvent, DeviceRecord, Hub, HubEvents, PublishedReading } from '../core/hub.ts';
import type { BrokerInfo } from './context.ts';
import { deviceView } from './deviceView.ts';

const HEARTBEAT_MS = 5000;
/** Events one client may have waiting for `drain`. */
export const MAX_QUEUED_BYTES = 256 * 1024;

export const STREAM_HEADERS = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache, no-transform',
  Connection: 'keep-alive',
  // Ingress proxies buffer responses unless told not to.
  'X-Accel-Buffering': 'no',
} as const;

/** The payload of an `event` stream event. */
export type DeviceEventView = DeviceEvent & { id: string; ts: number };

/** One client's stream: its hub listeners, heartbeat and socket handlers, ended together. */
export interface LiveSubscription {
  /** Events dropped while the client was not reading. */
  readonly dropped: number;
  /** Bytes of events waiting for the socket to drain. */
  readonly queuedBytes: number;
  close(): void;
}

export function openLiveStream(hub: Hub, broker: () => BrokerInfo, res: ServerResponse): LiveSubscription {
  let blocked = false;
  let queue: string[] = [];
  /** The oldest queued event not yet written. */
  let head = 0;
  let queuedBytes = 0;
  let dropped = 0;
  let missed = false;
  let closed = false;
  let lastBroker = '';

  const write = (chunk: string) => {
    if (closed) return;
    if (!blocked) {
      blocked = !res.write(chunk);
      return;
    }
    if (missed) {
      dropped++;
      return;
    }
    queuedBytes += Buffer.byteLength(chunk);
    queue.push(chunk);
    if (queuedBytes <= MAX_QUEUED_BYTES) return;
    // Too slow a reader: what is queued is dropped; the snapshot after drain replaces it.
    dropped += queue.length - head;
    queue = [];
    head = 0;
    queuedBytes = 0;
    missed = true;
  };
  /** Queued events, oldest first, as far as the socket takes them. */
  const flush = () => {
    while (head < queue.length && !blocked) {
      const chunk = queue[head] ?? '';
      queue[head++] = '';
      queuedBytes -= Buffer.byteLength(chunk);
      blocked = !res.write(chunk);
    }
    // Written entries are let go, so the array holds no more than what waits.
    if (head === queue.length) queue = [];
    else if (head > queue.length / 2) queue = queue.slice(head);
    else return;
    head = 0;
  };
  const send = (event: string, data: unknown) => write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  const sendState = () => {
    lastBroker = JSON.stringify(broker());
    send('snapshot', hub.list().map(deviceView));
    write(`event: broker\ndata: ${lastBroker}\n\n`);
  };

  const listeners: { [E in keyof HubEvents]?: (...args: HubEvents[E]) => void } = {
    readings: (rec: DeviceRecord, readings: PublishedReading[], ts: number) => {
      const values: Record<string, unknown> = {};
      for (const r of readings) values[r.register.key] = r.value;
      send('readings', { id: rec.info.id, ts, values });
    },
    status: (rec) => send('status', { id: rec.info.id, ...rec.status }),
    'device-added': (rec) => send('device', deviceView(rec)),
    'device-changed': (rec) => send('device', deviceView(rec)),
    'device-removed': (rec) => send('removed', { id: rec.info.id }),
    event: (rec: DeviceRecord, ev: DeviceEvent, ts: number) => send('event', { id: rec.info.id, ts, ...ev } satisfies DeviceEventView),
    diagnostics: (rec) => send('diagnostics', { id: rec.info.id, diagnostics: { ...rec.diagnostics, counters: rec.counters } }),
  };
  const onDrain = () => {
    blocked = false;
    if (!missed) return flush();
    missed = false;
    // Whatever was dropped is in the state the snapshot carries.
    sendState();
  };
  const heartbeat = setInterval(() => {
    const now = JSON.stringify(broker());
    if (now === lastBroker) return write(': keep-alive\n\n');
    lastBroker = now;
    write(`event: broker\ndata: ${now}\n\n`);
  }, HEARTBEAT_MS);
  heartbeat.unref();

  const subscription: LiveSubscription = {
    get dropped() {
      return dropped;
    },
    get queuedBytes() {
      return queuedBytes;
    },
    close() {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      for (const [event, listener] of Object.entries(listeners)) hub.off(event as keyof HubEvents, listener as never);
      res.off('drain', onDrain);
      res.off('close', subscription.close);
      if (!res.writableEnded) res.end();
    },
  };

  res.writeHead(200, STREAM_HEADERS);
  sendState();
  for (const [event, listener] of Object.entries(listeners)) hub.on(event as keyof HubEvents, listener as never);
  res.on('drain', onDrain);
  res.on('close', subscription.close);
  return subscription;
}
