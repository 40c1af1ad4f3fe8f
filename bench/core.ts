/**
 * Core figures: readings per second through hub → state + telemetry → a real Mosquitto,
 * as a ratio to a bare mqtt.js client publishing the same messages; and the time until
 * Home Assistant discovery for 1,000 devices is retained on the broker.
 */
import mqtt from 'mqtt';
import { Writable } from 'node:stream';
import { Hub } from '../server/core/hub.ts';
import { createLogger } from '../server/core/logger.ts';
import type { RegisterDescriptor } from '../server/core/registers.ts';
import { MqttBridge } from '../server/mqtt/bridge.ts';
import { MqttPublisher } from '../server/mqtt/publisher.ts';
import { Mosquitto } from '../test/support/mosquitto.ts';

const table: RegisterDescriptor[] = [
  { key: 'energy', id: '00010000', name: 'Energy', unit: 'kWh', deviceClass: 'energy', stateClass: 'total_increasing' },
  { key: 'power', id: '02030000', name: 'Power', unit: 'W', deviceClass: 'power', stateClass: 'measurement' },
];
const silent = () => createLogger('fatal', new Writable({ write: (_c, _e, cb) => cb() }));
const topicCfg = { base: 'wattwire', bridge: 'wattwire/bridge', discoveryPrefix: 'homeassistant', version: 'bench', name: 'bench' };

/** Resolves when a subscriber has seen `count` messages matching the filter. */
async function counter(url: string, filter: string, count: number): Promise<{ done: Promise<number>; close(): Promise<void> }> {
  const sub = await mqtt.connectAsync(url, { clean: true });
  await sub.subscribeAsync(filter, { qos: 0 });
  let seen = 0;
  const done = new Promise<number>((resolve) => {
    sub.on('message', () => {
      if (++seen === count) resolve(performance.now());
    });
  });
  return { done, close: () => sub.endAsync(true) };
}

async function bridgePipeline(url: string, readings: number): Promise<number> {
  const hub = new Hub();
  const pub = new MqttPublisher(
    { url, clientId: `bench-${Date.now()}`, will: { topic: 'wattwire/bridge/status', payload: 'offline' }, queueSize: 1_000_000 },
    silent(),
  );
  const bridge = new MqttBridge(hub, pub, topicCfg, silent());
  bridge.start();
  pub.start();
  await new Promise<void>((r) => pub.once('connect', () => r()));
  const handle = hub.addDevice({ id: 'm1', kind: 'bench', name: 'M' }, table);
  handle.setStatus('online');
  // Each reading yields a state and a telemetry message.
  const c = await counter(url, 'wattwire/m1/telemetry', readings);
  const t0 = performance.now();
  for (let i = 0; i < readings; i++) handle.publish([{ key: 'energy', value: i }]);
  const t1 = await c.done;
  await c.close();
  await bridge.stop();
  return readings / ((t1 - t0) / 1000);
}

async function bareClient(url: string, readings: number): Promise<number> {
  const client = await mqtt.connectAsync(url, { clean: true });
  const c = await counter(url, 'wattwire/m1/telemetry', readings);
  const t0 = performance.now();
  for (let i = 0; i < readings; i++) {
    client.publish('wattwire/m1/state', JSON.stringify({ energy: i, power: 0 }), { qos: 1, retain: true });
    client.publish(
      'wattwire/m1/telemetry',
      JSON.stringify({
        meterId: 'm1',
        timestamp: Date.now(),
        register: { id: '00010000', name: 'energy', description: 'Energy' },
        value: i,
        unit: 'kWh',
        raw: null,
      }),
    );
  }
  const t1 = await c.done;
  await c.close();
  await client.endAsync();
  return readings / ((t1 - t0) / 1000);
}

async function discoveryFleet(url: string, devices: number): Promise<number> {
  const hub = new Hub();
  const pub = new MqttPublisher(
    { url, clientId: `bench-d-${Date.now()}`, will: { topic: 'wattwire/bridge/status', payload: 'offline' }, queueSize: 1_000_000 },
    silent(),
  );
  const bridge = new MqttBridge(hub, pub, topicCfg, silent());
  bridge.start();
  pub.start();
  await new Promise<void>((r) => pub.once('connect', () => r()));
  const c = await counter(url, 'homeassistant/device/+/config', devices);
  const t0 = performance.now();
  for (let i = 0; i < devices; i++) hub.addDevice({ id: `d${i}`, kind: 'bench', name: `D${i}` }, table);
  const t1 = await c.done;
  await c.close();
  await bridge.stop();
  return t1 - t0;
}

export async function bench(): Promise<Record<string, unknown>[]> {
  const broker = await Mosquitto.start();
  try {
    const n = 20_000;
    const bare = await bareClient(broker.url, n);
    const ours = await bridgePipeline(broker.url, n);
    const discoveryMs = await discoveryFleet(broker.url, 1000);
    return [
      {
        figure: 'mqtt_pipeline_readings_per_s',
        value: Math.round(ours),
        unit: 'per_s',
        baseline_bare_mqttjs_per_s: Math.round(bare),
        ratio_to_bare: Number((ours / bare).toFixed(3)),
        readings: n,
      },
      { figure: 'ha_discovery_1000_devices_ms', value: Math.round(discoveryMs), unit: 'ms' },
    ];
  } finally {
    await broker.stop();
  }
}
