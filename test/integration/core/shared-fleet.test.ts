/**
 * Two instances sharing one fleet (`mqtt.shared_fleet`) on a real Mosquitto: a meter is
 * announced, published and answered only by the instance that holds it; when it moves, the
 * new holder announces it with its own availability and the old one falls silent, and a
 * value from an earlier stay is never published again.
 */
import { afterEach, expect, it } from 'vitest';
import { Hub } from '../../../server/core/hub.ts';
import { createLogger } from '../../../server/core/logger.ts';
import type { RegisterDescriptor } from '../../../server/core/registers.ts';
import { MqttBridge } from '../../../server/mqtt/bridge.ts';
import { MqttPublisher } from '../../../server/mqtt/publisher.ts';
import { Mosquitto } from '../../support/mosquitto.ts';
import { MqttProbe } from '../../support/mqttProbe.ts';
import { waitFor } from '../../support/ports.ts';

const METER = '000000000042';
const REGISTERS: RegisterDescriptor[] = [
  { key: 'energy_import', name: 'Energy import', type: 'number', unit: 'kWh', stateClass: 'total_increasing' },
  { key: 'energy_export', name: 'Energy export', type: 'number', unit: 'kWh', stateClass: 'total_increasing', onDemand: true },
];

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

interface Instance {
  hub: Hub;
  bridge: MqttBridge;
  publisher: MqttPublisher;
  /** The meter dials in here: added (if new) and online. */
  meterOnline(energy: number): void;
  meterOffline(): void;
}

async function instance(broker: Mosquitto, name: string): Promise<Instance> {
  const hub = new Hub();
  const bridgeTopic = `wattwire/${name}`;
  const publisher = new MqttPublisher(
    { url: broker.url, clientId: `wattwire-${name}`, will: { topic: `${bridgeTopic}/status`, payload: '{}' }, queueSize: 1000 },
    createLogger('silent'),
  );
  const bridge = new MqttBridge(
    hub,
    publisher,
    {
      base: 'wattwire',
      bridge: bridgeTopic,
      discoveryPrefix: 'homeassistant',
      version: 'test',
      name,
      sharedFleet: true,
      birthDelayMs: 10,
    },
    createLogger('silent'),
  );
  bridge.start();
  publisher.start();
  cleanup.push(() => bridge.stop());
  await waitFor(() => publisher.connected, { what: `${name} connected` });
  const answer = async () => [{ key: 'energy_export', value: 7 }];
  return {
    hub,
    bridge,
    publisher,
    meterOnline(energy) {
      const handle = hub.addDevice({ id: METER, kind: 'dlt645', name: `Meter ${METER}`, telemetry: 'register' }, REGISTERS, {
        read: answer,
      });
      handle.setStatus('online');
      handle.publish([{ key: 'energy_import', value: energy }]);
    },
    meterOffline() {
      hub.setStatus(METER, 'offline', 'connection closed');
    },
  };
}

const discovery = `homeassistant/device/${METER}/config`;
const status = `wattwire/${METER}/status`;
const state = `wattwire/${METER}/state`;
const response = `wattwire/${METER}/command/response`;

it('publishes and answers for a meter only on the instance that holds it, and hands it over when it moves', async () => {
  const broker = await Mosquitto.start();
  cleanup.push(() => broker.stop());
  const probe = await MqttProbe.connect(broker.url, '#');
  cleanup.push(() => probe.close());
  const a = await instance(broker, 'a');
  const b = await instance(broker, 'b');
  const avty = (topic: string) => probe.json(topic)?.avty?.[0]?.t;
  const held = (i: Instance) => (i.bridge.statsPayload().sharedFleet as { held: number }).held;

  // B knew the meter once (an earlier stay), with a lower counter than A will publish.
  b.meterOnline(100);
  b.hub.publish(METER, [{ key: 'energy_export', value: 5 }]);
  await waitFor(() => probe.json(status)?.bridge === 'wattwire/b', { what: 'B held the meter' });
  a.meterOnline(150);
  b.meterOffline();
  await waitFor(() => probe.json(status)?.bridge === 'wattwire/a' && probe.json(state)?.energy_import === 150, {
    what: 'A holds the meter',
  });
  await waitFor(() => avty(discovery) === 'wattwire/a/status' && held(b) === 0, { what: "A's discovery, B released" });

  // A command: A answers it, B stays silent.
  probe.clear();
  await probe.publish(`wattwire/${METER}/command/request`, JSON.stringify({ requestId: 1, command: 'read', register: 'energy_export' }));
  await waitFor(() => a.bridge.counters.commands === 1 && b.bridge.counters.commandsForOtherInstances === 1, {
    what: 'command seen by both',
  });
  await probe.waitFor(response, (m) => JSON.parse(m.payload).requestId === 1);
  // A command for a meter neither holds: no answer at all (it would be "unknown device" before).
  await probe.publish(
    'wattwire/000000000099/command/request',
    JSON.stringify({ requestId: 2, command: 'read', register: 'energy_export' }),
  );
  await waitFor(() => b.bridge.counters.commandsForOtherInstances === 2 && a.bridge.counters.commandsForOtherInstances === 1, {
    what: 'second command seen',
  });

  // Home Assistant restarts: B re-publishes only what it holds (nothing), so A's announcement stands.
  await probe.publish('homeassistant/status', 'online');
  await waitFor(() => a.bridge.counters.birthRepublishes === 1 && b.bridge.counters.birthRepublishes === 1, { what: 'birth handled' });
  await probe.publish(`wattwire/${METER}/command/request`, JSON.stringify({ requestId: 3, command: 'read', register: 'energy_export' }));
  await probe.waitFor(response, (m) => JSON.parse(m.payload).requestId === 3);
  expect(probe.on(response).map((m) => JSON.parse(m.payload).requestId)).toEqual([1, 3]);
  expect(probe.on(discovery).every((m) => JSON.parse(m.payload).avty[0].t === 'wattwire/a/status')).toBe(true);

  // The meter redials and lands on B: B announces it with its own availability, and its
  // first state carries only what it read now, not the 100 of its earlier stay.
  probe.clear();
  b.hub.setStatus(METER, 'online');
  await waitFor(() => avty(discovery) === 'wattwire/b/status' && probe.json(status)?.bridge === 'wattwire/b', { what: 'B announces' });
  b.hub.publish(METER, [{ key: 'energy_import', value: 160 }]);
  await waitFor(() => probe.json(state)?.energy_import === 160, { what: "B's state" });
  expect(probe.on(state).map((m) => JSON.parse(m.payload).energy_import)).toEqual([160]);
  expect(probe.json(state)).not.toHaveProperty('energy_export');

  // A notices its connection is gone only now and says so; B announces the meter again at once.
  a.meterOffline();
  await waitFor(() => held(a) === 0 && probe.json(status)?.bridge === 'wattwire/b' && probe.json(status)?.online === true, {
    what: 'B reasserts after A calls the meter offline',
  });
  // From then on A stays silent about the meter: no state, status, discovery or answer.
  probe.clear();
  a.hub.publish(METER, [{ key: 'energy_import', value: 155 }]);
  await probe.publish(`wattwire/${METER}/command/request`, JSON.stringify({ requestId: 4, command: 'read', register: 'energy_export' }));
  await probe.waitFor(response, (m) => JSON.parse(m.payload).requestId === 4);
  await probe.publish('homeassistant/status', 'online');
  await waitFor(() => a.bridge.counters.birthRepublishes === 2, { what: 'second birth handled' });
  await probe.publish(`wattwire/${METER}/command/request`, JSON.stringify({ requestId: 5, command: 'read', register: 'energy_export' }));
  await probe.waitFor(response, (m) => JSON.parse(m.payload).requestId === 5);
  expect(probe.on(status).every((m) => JSON.parse(m.payload).bridge === 'wattwire/b')).toBe(true);
  expect(probe.on(discovery).length).toBeGreaterThan(0);
  expect(probe.on(discovery).every((m) => JSON.parse(m.payload).avty[0].t === 'wattwire/b/status')).toBe(true);
  // B's answers and its re-publish after the birth carry B's values; A's 155 never appears.
  expect(probe.on(state).map((m) => JSON.parse(m.payload).energy_import)).toEqual(probe.on(state).map(() => 160));
  expect(probe.on(response).map((m) => JSON.parse(m.payload).requestId)).toEqual([4, 5]);
});

it('announces again a meter it holds when another instance calls it offline late', async () => {
  const broker = await Mosquitto.start();
  cleanup.push(() => broker.stop());
  const probe = await MqttProbe.connect(broker.url, `wattwire/${METER}/status`);
  cleanup.push(() => probe.close());
  const b = await instance(broker, 'b');
  b.meterOnline(10);
  await waitFor(() => probe.json(status)?.bridge === 'wattwire/b', { what: 'B holds the meter' });
  // An old holder whose half-open connection finally timed out says offline after B took over.
  await probe.publish(status, JSON.stringify({ meterId: METER, online: false, state: 'offline', bridge: 'wattwire/a' }), true);
  await waitFor(() => probe.json(status)?.bridge === 'wattwire/b' && probe.json(status)?.online === true && probe.on(status).length >= 3, {
    what: 'B reasserts',
  });
});

it("leaves the previous holder's state alone until it has read the meter itself", async () => {
  const broker = await Mosquitto.start();
  cleanup.push(() => broker.stop());
  const probe = await MqttProbe.connect(broker.url, `wattwire/${METER}/#`);
  cleanup.push(() => probe.close());
  const b = await instance(broker, 'b');
  b.meterOnline(100);
  b.meterOffline();
  await waitFor(() => probe.json(status)?.online === false, { what: 'B called the meter offline' });
  // Another instance took the meter and published a higher counter.
  await probe.publish(status, JSON.stringify({ meterId: METER, online: true, state: 'online', bridge: 'wattwire/a' }), true);
  await probe.publish(state, JSON.stringify({ energy_import: 150 }), true);
  await waitFor(() => (b.bridge.statsPayload().sharedFleet as { released: number }).released === 1, { what: 'B released the meter' });
  // It comes back to B; Home Assistant restarts before B's first poll.
  probe.clear();
  b.hub.setStatus(METER, 'online');
  await probe.waitFor(status, (m) => JSON.parse(m.payload).bridge === 'wattwire/b');
  await probe.publish('homeassistant/status', 'online');
  await waitFor(() => b.bridge.counters.birthRepublishes === 1, { what: 'B handled the birth' });
  b.hub.publish(METER, [{ key: 'energy_import', value: 160 }]);
  await waitFor(() => probe.json(state)?.energy_import === 160, { what: "B's first state" });
  expect(probe.on(state).map((m) => m.payload)).toEqual([JSON.stringify({ energy_import: 160 })]);
});
