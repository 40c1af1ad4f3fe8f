/**
 * What a bridge asks the broker for, and at which QoS. Other instances' statuses
 * at QoS 0: they are retained (every subscription replays the newest of each), and on NATS a
 * QoS 1 subscription is a JetStream consumer, which lost deliveries under load in the scale-out
 * check (docs/scale-out.md). Commands stay at QoS 1: the broker keeps them while the bridge is away.
 */
import { afterEach, expect, it } from 'vitest';
import { Hub } from '../../../server/core/hub.ts';
import { createLogger } from '../../../server/core/logger.ts';
import { MqttBridge } from '../../../server/mqtt/bridge.ts';
import { MqttPublisher } from '../../../server/mqtt/publisher.ts';
import { RetainedDiscoveryScan } from '../../../server/mqtt/retainedDiscoveryScan.ts';
import { startAedesBroker } from '../../support/aedesBroker.ts';
import { waitFor } from '../../support/ports.ts';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

const STATUSES = 'wattwire/+/status';
const COMMANDS = 'wattwire/+/command/request';

it('subscribes to other instances’ statuses at QoS 0 and to commands at QoS 1, also when asked again after a refusal', async () => {
  let statusRefusals = 1;
  const asked: { topic: string; qos: number }[] = [];
  const { port, close } = await startAedesBroker({
    authorizeSubscribe: (_client, sub, done) => {
      asked.push({ topic: sub.topic, qos: sub.qos });
      // Refused once (SUBACK 0x80), as a NATS cluster electing leaders does: the retry must keep the QoS.
      if (sub.topic === STATUSES && statusRefusals-- > 0) return done(null, null);
      done(null, sub);
    },
  });
  cleanup.push(close);

  const publisher = new MqttPublisher(
    {
      url: `mqtt://127.0.0.1:${port}`,
      clientId: 'wattwire-wattwire_bridge-a',
      persistentSession: true,
      will: { topic: 'wattwire/bridge-a/status', payload: '{}' },
      queueSize: 10,
    },
    createLogger('silent'),
  );
  const bridge = new MqttBridge(
    new Hub(),
    publisher,
    { base: 'wattwire', bridge: 'wattwire/bridge-a', discoveryPrefix: 'homeassistant', version: 'test', name: 'a', sharedFleet: true },
    createLogger('silent'),
  );
  bridge.start();
  publisher.start();
  cleanup.push(() => bridge.stop());

  await waitFor(() => asked.filter((s) => s.topic === STATUSES).length === 2, { what: 'statuses asked for again', timeoutMs: 30_000 });
  expect(asked.filter((s) => s.topic === STATUSES).map((s) => s.qos)).toEqual([0, 0]);
  expect(asked.filter((s) => s.topic === COMMANDS).map((s) => s.qos)).toEqual([1]);
});

it('reads its own retained discovery at start at QoS 0', async () => {
  const asked: { topic: string; qos: number }[] = [];
  const { port, close } = await startAedesBroker({
    authorizeSubscribe: (_client, sub, done) => {
      asked.push({ topic: sub.topic, qos: sub.qos });
      done(null, sub);
    },
  });
  cleanup.push(close);
  const publisher = new MqttPublisher(
    { url: `mqtt://127.0.0.1:${port}`, clientId: 'scan-test', will: { topic: 'wattwire/bridge/status', payload: '{}' }, queueSize: 10 },
    createLogger('silent'),
  );
  const cfg = { base: 'wattwire', bridge: 'wattwire/bridge', discoveryPrefix: 'homeassistant', version: 'test', name: 'w' };
  const scan = new RetainedDiscoveryScan(publisher, cfg, 200);
  scan.start();
  publisher.start();
  cleanup.push(() => publisher.stop());
  await scan.done;
  expect(asked.filter((s) => s.topic === 'homeassistant/device/+/config').map((s) => s.qos)).toEqual([0]);
});
