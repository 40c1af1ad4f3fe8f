/**
 * The bridge against a real Mosquitto: discovery, state, telemetry, status, commands,
 * the broker killed and restarted, Home Assistant's birth message, device removal and the
 * bounded queue.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WattwireApp } from '../../../server/app.ts';
import { createLogger } from '../../../server/core/logger.ts';
import { optionsSchema } from '../../../server/options/schema.ts';
import type { RegisterDescriptor } from '../../../server/core/registers.ts';
import type { DeviceHandle } from '../../../server/core/hub.ts';
import { Mosquitto } from '../../support/mosquitto.ts';
import { MqttProbe } from '../../support/mqttProbe.ts';
import { waitFor } from '../../support/ports.ts';
import { Writable } from 'node:stream';

// The core is tested on its own here; each driver has its own end-to-end tests.
vi.mock('../../../server/drivers/registry.ts', () => ({ DEFINITIONS: [], definitionOf: () => undefined }));

const table: RegisterDescriptor[] = [
  {
    key: 'totalActiveEnergy',
    id: '00010000',
    name: 'Total active energy',
    unit: 'kWh',
    deviceClass: 'energy',
    stateClass: 'total_increasing',
    groups: ['energy'],
  },
  { key: 'voltageA', id: '02010100', name: 'Voltage A', unit: 'V', deviceClass: 'voltage', stateClass: 'measurement', groups: ['voltage'] },
];

const quietLog = () => createLogger('error', new Writable({ write: (_c, _e, cb) => cb() }));

describe('MQTT bridge against Mosquitto', () => {
  let broker: Mosquitto;
  let app: WattwireApp;
  let probe: MqttProbe;
  let meter: DeviceHandle;
  let energy = 100;

  beforeAll(async () => {
    broker = await Mosquitto.start();
    // A command left retained on the broker is replayed to the bridge when it subscribes.
    const early = await MqttProbe.connect(broker.url, 'none');
    await early.publish(
      'wattwire/000000000161/command/request',
      JSON.stringify({ requestId: 'ret', command: 'read', register: 'voltageA' }),
      true,
    );
    await early.close();
    const options = optionsSchema.parse({ mqtt: { host: '127.0.0.1', port: broker.port, queue_size: 50 }, dlt645: { listen: false } });
    app = new WattwireApp({
      options,
      env: { dataDir: mkdtempSync(path.join(tmpdir(), 'ww-')), httpPort: 0, mqttPort: 0, mqttWsPort: 0 },
      log: quietLog(),
      web: false,
      birthDelayMs: 50,
    });
    await app.start();
    probe = await MqttProbe.connect(broker.url);
    meter = app.hub.addDevice({ id: '000000000161', kind: 'dlt645', name: 'Meter 161', statusExtra: { ip: '10.0.0.9' } }, table, {
      read: async (keys) => keys.map((k) => ({ key: k, value: k === 'voltageA' ? 231.4 : energy })),
    });
    meter.setStatus('online');
    meter.publish([
      { key: 'totalActiveEnergy', value: energy, raw: '00001000' },
      { key: 'voltageA', value: 230.2 },
    ]);
  });

  afterAll(async () => {
    await probe?.close();
    await app?.stop();
    await broker?.stop();
  });

  it('publishes retained discovery, status and state, and telemetry per reading', async () => {
    const disc = await probe.waitFor('homeassistant/device/000000000161/config');
    expect(disc.retain).toBe(false); // live delivery; retained flag shows on a new subscriber
    const config = JSON.parse(disc.payload);
    expect(config.cmps.totalActiveEnergy).toMatchObject({ dev_cla: 'energy', stat_cla: 'total_increasing', unit_of_meas: 'kWh' });
    await probe.waitFor('wattwire/000000000161/state');
    expect(probe.json('wattwire/000000000161/state')).toEqual({ totalActiveEnergy: 100, voltageA: 230.2 });
    await probe.waitFor('wattwire/000000000161/status', (m) => JSON.parse(m.payload).online === true);
    expect(probe.json('wattwire/000000000161/status')).toMatchObject({
      meterId: '000000000161',
      online: true,
      ip: '10.0.0.9',
      state: 'online',
    });
    const tele = await probe.waitFor('wattwire/000000000161/telemetry');
    expect(JSON.parse(tele.payload)).toMatchObject({
      meterId: '000000000161',
      register: { id: '00010000', name: 'totalActiveEnergy', description: 'Total active energy' },
      value: 100,
      unit: 'kWh',
      raw: '00001000',
    });
    await probe.waitFor('wattwire/bridge/status', (m) => JSON.parse(m.payload).status === 'online');

    const late = await MqttProbe.connect(broker.url, 'homeassistant/#');
    try {
      const retained = await late.waitFor('homeassistant/device/000000000161/config');
      expect(retained.retain).toBe(true);
    } finally {
      await late.close();
    }
  });

  it('answers a command with the requestId, and an error for an unknown register', async () => {
    await probe.publish(
      'wattwire/000000000161/command/request',
      JSON.stringify({ requestId: 'r1', command: 'read', register: 'voltageA' }),
    );
    const ok = await probe.waitFor('wattwire/000000000161/command/response', (m) => JSON.parse(m.payload).requestId === 'r1');
    expect(JSON.parse(ok.payload)).toMatchObject({ success: true, data: { register: 'voltageA', value: 231.4, unit: 'V' } });
    await probe.publish('wattwire/000000000161/command/request', JSON.stringify({ requestId: 'r2', command: 'read', register: 'bogus' }));
    const bad = await probe.waitFor('wattwire/000000000161/command/response', (m) => JSON.parse(m.payload).requestId === 'r2');
    expect(JSON.parse(bad.payload)).toMatchObject({ success: false, error: expect.stringMatching(/Unknown register "bogus"/) });
  });

  it('ignores a retained command replayed on subscribe', async () => {
    const stats = () => app.webContext().stats() as { commands: { ignoredRetainedCommands: number } };
    await waitFor(() => stats().commands.ignoredRetainedCommands >= 1, { what: 'retained command ignored' });
    expect(probe.on('wattwire/000000000161/command/response').some((m) => JSON.parse(m.payload).requestId === 'ret')).toBe(false);
  });

  it('re-publishes discovery and state after Home Assistant says online', async () => {
    probe.clear();
    await probe.publish('homeassistant/status', 'online');
    await probe.waitFor('homeassistant/device/000000000161/config');
    await probe.waitFor('wattwire/000000000161/state');
  });

  it('survives the broker being killed and restarted: reconnects and re-publishes retained topics', async () => {
    await broker.stop();
    await waitFor(() => !app.brokerInfo().connected, { what: 'bridge to notice the broker is gone' });
    energy = 101.5;
    meter.publish([{ key: 'totalActiveEnergy', value: energy }]);
    await broker.restart();
    await waitFor(() => app.brokerInfo().connected, { timeoutMs: 20_000, what: 'reconnect' });
    // Mosquitto runs without persistence: anything retained now was re-published by us.
    const fresh = await MqttProbe.connect(broker.url);
    try {
      await fresh.waitFor('homeassistant/device/000000000161/config', (m) => m.retain);
      await fresh.waitFor('wattwire/000000000161/state', (m) => m.retain && JSON.parse(m.payload).totalActiveEnergy === 101.5);
      await fresh.waitFor('wattwire/bridge/status', (m) => m.retain && JSON.parse(m.payload).status === 'online');
    } finally {
      await fresh.close();
    }
    await probe.client.subscribeAsync('#', { qos: 1 });
  }, 40_000);

  it('bounds the queue while the broker is away, keeping the newest retained state', async () => {
    await broker.stop();
    await waitFor(() => !app.brokerInfo().connected, { what: 'disconnect' });
    for (let i = 0; i < 120; i++) meter.event({ type: 'info', event: 'tick', message: `tick ${i}` });
    energy = 102;
    meter.publish([{ key: 'totalActiveEnergy', value: energy }]);
    expect(app.brokerInfo().queued).toBeLessThanOrEqual(50);
    expect(app.brokerInfo().dropped).toBeGreaterThan(0);
    await broker.restart();
    await waitFor(() => app.brokerInfo().connected, { timeoutMs: 20_000, what: 'reconnect' });
    const fresh = await MqttProbe.connect(broker.url);
    try {
      await fresh.waitFor('wattwire/000000000161/state', (m) => JSON.parse(m.payload).totalActiveEnergy === 102);
    } finally {
      await fresh.close();
    }
    const stats = app.webContext().stats() as { mqtt: { dropped: number } };
    expect(stats.mqtt.dropped).toBeGreaterThan(0);
    await probe.client.subscribeAsync('#', { qos: 1 });
  }, 40_000);

  it('clears retained discovery, status and state of a removed device', async () => {
    expect(await app.hub.removeDevice('000000000161')).toBe(true);
    const cleared = ['homeassistant/device/000000000161/config', 'wattwire/000000000161/status', 'wattwire/000000000161/state'];
    // The broker has the clears once a subscriber has them; a new subscriber before that would race them.
    for (const t of cleared) await probe.waitFor(t, (m) => m.payload === '');
    const fresh = await MqttProbe.connect(broker.url);
    try {
      await fresh.waitFor('wattwire/bridge/status');
      await new Promise((r) => setTimeout(r, 300));
      for (const t of cleared) {
        expect(fresh.on(t).filter((m) => m.payload !== '')).toEqual([]);
      }
    } finally {
      await fresh.close();
    }
  });
});
