/**
 * End to end, with IVY gateway topics: simulated DL/T 645 meters dial in to the bridge,
 * which publishes discovery, status, state and telemetry to a real Mosquitto and answers an
 * IVY client's commands; a meter that drops goes offline and comes back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { WattwireApp } from '../../../server/app.ts';
import { createLogger } from '../../../server/core/logger.ts';
import { optionsSchema } from '../../../server/options/schema.ts';
import { startDlt645Sim, type Dlt645Sim } from '../../../server/sim/dlt645/tcpSim.ts';
import { Mosquitto } from '../../support/mosquitto.ts';
import { MqttProbe } from '../../support/mqttProbe.ts';
import { freePort } from '../../support/ports.ts';

const METERS = ['000000230001', '000000230002', '000000230003'];
const BASE = 'ivy/v1/meters';

describe('DL/T 645 dial-in meters end to end (IVY topics)', () => {
  let broker: Mosquitto;
  let app: WattwireApp;
  let sim: Dlt645Sim;
  let probe: MqttProbe;

  beforeAll(async () => {
    broker = await Mosquitto.start();
    probe = await MqttProbe.connect(broker.url);
    const listenPort = await freePort();
    const options = optionsSchema.parse({
      mqtt: { host: '127.0.0.1', port: broker.port, base_topic: BASE, bridge_topic: 'ivy/v1/gateway' },
      dlt645: { listen: true, listen_port: listenPort, poll_interval: 5, timeout: 2 },
    });
    app = new WattwireApp({
      options,
      env: { dataDir: mkdtempSync(path.join(tmpdir(), 'ww-e2e-')), httpPort: 0, mqttPort: 0, mqttWsPort: 0 },
      log: createLogger('error', new Writable({ write: (_c, _e, cb) => cb() })),
      web: false,
    });
    await app.start();
    sim = startDlt645Sim({
      port: listenPort,
      meters: 3,
      firstAddress: 230001,
      silentShare: 0.34,
      registrationShare: 0.34,
      reconnectMs: 500,
      seed: 3,
    });
  });

  afterAll(async () => {
    await sim?.stop();
    await probe?.close();
    await app?.stop();
    await broker?.stop();
  });

  it('every meter appears with discovery, online status, state and telemetry', async () => {
    await probe.waitFor('ivy/v1/gateway/status', (m) => JSON.parse(m.payload).status === 'online');
    for (const id of METERS) {
      const config = JSON.parse((await probe.waitFor(`homeassistant/device/${id}/config`, () => true, 20_000)).payload);
      expect(config.cmps.totalActiveEnergy).toMatchObject({ dev_cla: 'energy', stat_cla: 'total_increasing', unit_of_meas: 'kWh' });
      const status = await probe.waitFor(`${BASE}/${id}/status`, (m) => JSON.parse(m.payload).online === true, 20_000);
      expect(JSON.parse(status.payload)).toMatchObject({ meterId: id, online: true, ip: expect.stringMatching(/127\.0\.0\.1/) });
      const tele = await probe.waitFor(
        `${BASE}/${id}/telemetry`,
        (m) => JSON.parse(m.payload).register.name === 'totalActiveEnergy',
        20_000,
      );
      expect(JSON.parse(tele.payload)).toMatchObject({
        meterId: id,
        timestamp: expect.any(Number),
        register: { id: '00010000', name: 'totalActiveEnergy', description: expect.any(String) },
        value: expect.any(Number),
        unit: 'kWh',
        raw: expect.any(String),
      });
      await probe.waitFor(`${BASE}/${id}/state`, (m) => typeof JSON.parse(m.payload).voltageA === 'number', 20_000);
    }
  }, 60_000);

  it('answers an IVY client command read by register name', async () => {
    await probe.publish(
      `${BASE}/${METERS[0]}/command/request`,
      JSON.stringify({ requestId: 'req-123', command: 'read', register: 'totalActiveEnergy' }),
    );
    const res = JSON.parse(
      (await probe.waitFor(`${BASE}/${METERS[0]}/command/response`, (m) => JSON.parse(m.payload).requestId === 'req-123', 15_000)).payload,
    );
    expect(res).toMatchObject({
      requestId: 'req-123',
      success: true,
      timestamp: expect.any(Number),
      data: { register: 'totalActiveEnergy', unit: 'kWh' },
    });
    expect(res.data.value).toBeGreaterThan(0);
  }, 20_000);

  it('a dropped meter goes offline with an event and comes back online', async () => {
    const id = METERS[1];
    probe.clear();
    sim.drop(id!, 1500);
    await probe.waitFor(`${BASE}/${id}/status`, (m) => JSON.parse(m.payload).online === false, 15_000);
    await probe.waitFor(`${BASE}/${id}/events`, (m) => JSON.parse(m.payload).event === 'meter_disconnected', 15_000);
    await probe.waitFor(`${BASE}/${id}/status`, (m) => JSON.parse(m.payload).online === true, 20_000);
    await probe.waitFor(`${BASE}/${id}/events`, (m) => JSON.parse(m.payload).event === 'meter_connected', 15_000);
  }, 45_000);
});
