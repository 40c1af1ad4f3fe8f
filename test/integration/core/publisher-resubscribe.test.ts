/**
 * A broker that refuses a subscription for a while (a NATS cluster electing leaders after a
 * node died answers SUBACK 0x80): the publisher asks again for that filter alone until it holds.
 */
import { Writable } from 'node:stream';
import mqtt from 'mqtt';
import { afterEach, expect, it } from 'vitest';
import { createLogger } from '../../../server/core/logger.ts';
import { MqttPublisher } from '../../../server/mqtt/publisher.ts';
import { startAedesBroker } from '../../support/aedesBroker.ts';
import { waitFor } from '../../support/ports.ts';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

it('asks again for a refused subscription, without asking again for the ones granted', async () => {
  let refusals = 2;
  const asked: string[] = [];
  const { port, close } = await startAedesBroker({
    authorizeSubscribe: (_client, sub, done) => {
      asked.push(sub.topic);
      // A null subscription is refused with SUBACK 0x80, the connection kept (an error would close it).
      if (sub.topic === 'wattwire/+/command/request' && refusals-- > 0) return done(null, null);
      done(null, sub);
    },
  });
  cleanup.push(close);

  const publisher = new MqttPublisher(
    {
      url: `mqtt://127.0.0.1:${port}`,
      clientId: 'resubscribe-test',
      will: { topic: 'wattwire/bridge/status', payload: '{}' },
      queueSize: 10,
    },
    createLogger('silent'),
  );
  const received: string[] = [];
  publisher.on('message', (topic) => received.push(topic));
  publisher.subscribe('wattwire/+/command/request');
  publisher.subscribe('homeassistant/status');
  publisher.start();
  cleanup.push(() => publisher.stop());

  await waitFor(() => asked.filter((t) => t === 'wattwire/+/command/request').length === 3, { what: 'third request', timeoutMs: 30_000 });
  const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`);
  cleanup.push(() => client.endAsync(true));
  await waitFor(
    async () => {
      await client.publishAsync('wattwire/m1/command/request', '{}', { qos: 1 });
      return received.includes('wattwire/m1/command/request');
    },
    { what: 'command delivered', timeoutMs: 10_000, intervalMs: 200 },
  );
  expect(asked.filter((t) => t === 'homeassistant/status')).toHaveLength(1);
  expect(publisher.counters.reconnects).toBe(0);
});

it('stops within its wait when the broker never acknowledges the last messages, and says so', async () => {
  // A broker that takes the connection but never answers a publish: no PUBACK, as when it dies mid-stop.
  const { port, close } = await startAedesBroker({ authorizePublish: () => undefined });
  cleanup.push(close);
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const publisher = new MqttPublisher(
    {
      url: `mqtt://127.0.0.1:${port}`,
      clientId: 'stop-test',
      will: { topic: 'wattwire/bridge/status', payload: '{}' },
      queueSize: 10,
      stopWaitMs: 500,
    },
    createLogger('info', sink),
  );
  publisher.start();
  await waitFor(() => lines.some((l) => l.includes('connected')), { what: 'connected' });
  const stopped = publisher.stop([{ topic: 'wattwire/bridge/status', payload: '{"state":"offline"}', retain: true }]).then(() => true);
  // Not a timing assertion: without the wait the stop never settles at all.
  await waitFor(() => Promise.race([stopped, new Promise<false>((r) => setTimeout(() => r(false), 50))]), {
    what: 'the stop to settle',
    timeoutMs: 20_000,
  });
  expect(lines.some((l) => l.includes('did not acknowledge the last messages'))).toBe(true);
});
