/**
 * A classic inverter known by its host until now moves to its serial number (read from
 * /Solar2.fhtml) once: same entities (unique ids) through Home Assistant's discovery
 * migration, an event, and the same device again at a new address.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { type DeviceEvent, Hub } from '../../../server/core/hub.ts';
import { createLogger } from '../../../server/core/logger.ts';
import { createKostalDriver } from '../../../server/drivers/kostal/driver.ts';
import type { Driver } from '../../../server/drivers/types.ts';
import { MqttBridge } from '../../../server/mqtt/bridge.ts';
import { MqttPublisher } from '../../../server/mqtt/publisher.ts';
import { optionsSchema } from '../../../server/options/schema.ts';
import { KostalSim, type KostalSimOptions } from '../../../server/sim/kostal/simulator.ts';
import { Mosquitto } from '../../../test/support/mosquitto.ts';
import { MqttProbe } from '../../../test/support/mqttProbe.ts';
import { waitFor } from '../../support/ports.ts';

const SERIAL = '90553KSE00123';
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function sim(opts: KostalSimOptions): Promise<KostalSim> {
  const s = new KostalSim({ clock: { hour: 12 }, layout: '8.3-en', serial: SERIAL, ...opts });
  await s.start();
  cleanup.push(() => s.stop());
  return s;
}

function driverFor(hub: Hub, dataDir: string, host: string): Driver {
  const driver = createKostalDriver({
    hub,
    log: createLogger('silent'),
    dataDir,
    options: optionsSchema.parse({ kostal: [{ host, password: 'pvwr', poll_interval: 5 }] }),
    reportConfigError: () => undefined,
  });
  cleanup.push(() => driver.stop());
  return driver;
}

it('moves a host-named device to its serial number once, keeping its unique ids, and finds it again at a new address', async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'kostal-identity-'));
  cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const broker = await Mosquitto.start();
  cleanup.push(() => broker.stop());
  const probe = await MqttProbe.connect(broker.url, 'homeassistant/device/#');
  cleanup.push(() => probe.close());

  // A unit whose settings page gave no serial number: known by its host, as every classic unit was.
  const before = await sim({ settingsPage: false });
  const hostId = `kostal_127_0_0_1_${before.port}`;
  const hub1 = new Hub();
  const driver1 = driverFor(hub1, dataDir, before.hostPort);
  await driver1.start();
  await waitFor(() => typeof hub1.get(hostId)?.state.ac_power === 'number', { what: 'host-named device publishing' });
  await driver1.stop();
  await before.stop();

  // The same unit, now with its settings page, behind Wattwire with MQTT.
  const after = await sim({ port: before.port });
  const hub = new Hub();
  const events: { id: string; event: DeviceEvent }[] = [];
  hub.on('event', (rec, event) => events.push({ id: rec.info.id, event }));
  const publisher = new MqttPublisher(
    { url: broker.url, clientId: 'wattwire-identity-test', will: { topic: 'wattwire/bridge/status', payload: '{}' }, queueSize: 1000 },
    createLogger('silent'),
  );
  const bridge = new MqttBridge(
    hub,
    publisher,
    { base: 'wattwire', bridge: 'wattwire/bridge', discoveryPrefix: 'homeassistant', version: 'test', name: 'Wattwire' },
    createLogger('silent'),
  );
  bridge.start();
  publisher.start();
  cleanup.push(() => bridge.stop());
  const driver = driverFor(hub, dataDir, after.hostPort);
  await driver.start();

  const serialId = `kostal_${SERIAL}`;
  await waitFor(() => typeof hub.get(serialId)?.state.ac_power === 'number', { what: 'serial-named device publishing' });
  expect(hub.get(hostId)).toBeUndefined();
  expect(hub.get(serialId)!.info).toMatchObject({ serialNumber: SERIAL, uniqueIdBase: hostId, replaces: hostId });
  expect(events.filter((e) => e.event.event === 'device_id_changed')).toEqual([
    { id: serialId, event: expect.objectContaining({ type: 'info', data: { from: hostId, to: serialId } }) },
  ]);

  // Home Assistant's migration: the old config unloads its entities, the new one (same unique ids) takes them over.
  const oldTopic = `homeassistant/device/${hostId}/config`;
  const newTopic = `homeassistant/device/${serialId}/config`;
  await probe.waitFor(oldTopic, (m) => m.payload === '');
  const config = JSON.parse((await probe.waitFor(newTopic, (m) => m.payload.includes('ac_power'))).payload);
  expect(config.cmps.ac_power.uniq_id).toBe(`wattwire_${hostId}_ac_power`);
  const old = probe.on(oldTopic).map((m) => m.payload);
  expect(old.indexOf('{"migrate_discovery":true}')).toBeGreaterThanOrEqual(0);
  expect(old.indexOf('{"migrate_discovery":true}')).toBeLessThan(old.lastIndexOf(''));
  const newFirst = probe.messages.findIndex((m) => m.topic === newTopic);
  expect(probe.messages.findIndex((m) => m.topic === oldTopic && m.payload.includes('migrate'))).toBeLessThan(newFirst);
  await driver.stop();
  await after.stop();

  // A new address (DHCP): the same device and the same entities, no second move.
  const moved = await sim({});
  const hub3 = new Hub();
  const events3: string[] = [];
  hub3.on('event', (_rec, event) => events3.push(event.event));
  const driver3 = driverFor(hub3, dataDir, moved.hostPort);
  await driver3.start();
  await waitFor(() => typeof hub3.get(serialId)?.state.ac_power === 'number', { what: 'same device at the new address' });
  expect(hub3.list().map((d) => d.info.id)).toEqual([serialId]);
  expect(hub3.get(serialId)!.info.uniqueIdBase).toBe(hostId);
  expect(events3).not.toContain('device_id_changed');
}, 60_000);
