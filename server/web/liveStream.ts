/** Server-Sent Events: a snapshot, then readings, status, devices and events as they happen. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { DeviceEvent, DeviceRecord, Hub, PublishedReading } from '../core/hub.ts';
import { deviceView } from './deviceView.ts';
import type { BrokerInfo } from './context.ts';

export function serveLiveStream(hub: Hub, broker: () => BrokerInfo, req: FastifyRequest, reply: FastifyReply): void {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache, no-transform',
    Connection: 'keep-alive',
    // Ingress proxies buffer responses unless told not to.
    'X-Accel-Buffering': 'no',
  });
  const send = (event: string, data: unknown) => {
    res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  send('snapshot', hub.list().map(deviceView));
  send('broker', broker());

  const onReadings = (rec: DeviceRecord, readings: PublishedReading[], ts: number) => {
    const values: Record<string, unknown> = {};
    for (const r of readings) values[r.register.key] = r.value;
    send('readings', { id: rec.info.id, ts, values });
  };
  const onStatus = (rec: DeviceRecord) => send('status', { id: rec.info.id, ...rec.status });
  const onDevice = (rec: DeviceRecord) => send('device', deviceView(rec));
  const onRemoved = (rec: DeviceRecord) => send('removed', { id: rec.info.id });
  const onEvent = (rec: DeviceRecord, ev: DeviceEvent, ts: number) => send('event', { id: rec.info.id, ts, ...ev });
  const onDiagnostics = (rec: DeviceRecord) =>
    send('diagnostics', { id: rec.info.id, diagnostics: { ...rec.diagnostics, counters: rec.counters } });
  hub.on('readings', onReadings);
  hub.on('status', onStatus);
  hub.on('device-added', onDevice);
  hub.on('device-changed', onDevice);
  hub.on('device-removed', onRemoved);
  hub.on('event', onEvent);
  hub.on('diagnostics', onDiagnostics);
  let lastBroker = JSON.stringify(broker());
  const heartbeat = setInterval(() => {
    const now = JSON.stringify(broker());
    if (now !== lastBroker) {
      lastBroker = now;
      res.write(`event: broker\ndata: ${now}\n\n`);
    } else {
      res.write(': keep-alive\n\n');
    }
  }, 5000);
  heartbeat.unref();
  req.raw.on('close', () => {
    clearInterval(heartbeat);
    hub.off('readings', onReadings);
    hub.off('status', onStatus);
    hub.off('device-added', onDevice);
    hub.off('device-changed', onDevice);
    hub.off('device-removed', onRemoved);
    hub.off('event', onEvent);
    hub.off('diagnostics', onDiagnostics);
  });
}
