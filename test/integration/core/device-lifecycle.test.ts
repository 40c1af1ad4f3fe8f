/**
 * Devices do not outlive their options: an options change that renames or removes a device
 * clears its hub record and retained topics, and at start retained discovery of ids that no
 * longer exist is cleared; another instance's devices and a dial-in meter that has not
 * redialed yet keep theirs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { WattwireApp } from '../../../server/app.ts';
import { createLogger } from '../../../server/core/logger.ts';
import { optionsSchema } from '../../../server/options/schema.ts';
import { startDlt645Sim } from '../../../server/sim/dlt645/tcpSim.ts';
import { KostalSim } from '../../../server/sim/kostal/simulator.ts';
import { Mosquitto } from '../../support/mosquitto.ts';
import { MqttProbe } from '../../support/mqttProbe.ts';
import { freePort, waitFor } from '../../support/ports.ts';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

const WAIT = { timeoutMs: 20_000 };
const topicsOf = (id: string) => [`homeassistant/device/${id}/config`, `wattwire/${id}/status`, `wattwire/${id}/state`];

async function setup(): Promise<{ broker: Mosquitto; probe: MqttProbe; dataDir: string }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'ww-lifecycle-'));
  cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const broker = await Mosquitto.start();
  cleanup.push(() => broker.stop());
  const probe = await MqttProbe.connect(broker.url);
  cleanup.push(() => probe.close());
  return { broker, probe, dataDir };
}

async function inverter(serial: string): Promise<KostalSim> {
  const sim = new KostalSim({ clock: { hour: 12 }, layout: '8.3-en', serial });
  await sim.start();
  cleanup.push(() => sim.stop());
  return sim;
}

function kostalEntry(sim: KostalSim, id: string) {
  return { host: sim.hostPort, id, password: 'pvwr', poll_interval: 5 };
}

async function startApp(broker: Mosquitto, dataDir: string, options: Record<string, unknown>): Promise<WattwireApp> {
  const app = new WattwireApp({
    options: optionsSchema.parse({ mqtt: { host: '127.0.0.1', port: broker.port }, ...options }),
    env: { dataDir, httpPort: 0, mqttPort: 0, mqttWsPort: 0 },
    log: createLogger('error', new Writable({ write: (_c, _e, cb) => cb() })),
    web: false,
    removalGraceMs: 1000,
    staleDiscovery: { windowMs: 2000, graceMs: 2000 },
  });
  cleanup.push(() => app.stop());
  await app.start();
  return app;
}

/** The probe saw every retained topic of `id` published with a payload. */
async function published(probe: MqttProbe, id: string): Promise<void> {
  for (const topic of topicsOf(id)) await probe.waitFor(topic, (m) => m.payload !== '', WAIT.timeoutMs);
}

/** The broker emptied every retained topic of `id` (the probe saw the empty payloads). */
async function cleared(probe: MqttProbe, id: string): Promise<void> {
  for (const topic of topicsOf(id)) await probe.waitFor(topic, (m) => m.payload === '', WAIT.timeoutMs);
}

/** What a client connecting now is given as retained, once `marker` (retained) has arrived. */
async function retainedNow(broker: Mosquitto, marker: string): Promise<MqttProbe> {
  const fresh = await MqttProbe.connect(broker.url);
  cleanup.push(() => fresh.close());
  await fresh.waitFor(marker, (m) => m.retain && m.payload !== '', WAIT.timeoutMs);
  return fresh;
}

describe('devices removed or renamed in the options', () => {
  // A rename at the same address was already migrated by the Kostal driver's identity store;
  // one that also moves to a new address leaves the driver nothing to migrate from.
  it('clears the old id of an inverter renamed (at a new address) from the hub and the broker', async () => {
    const { broker, probe, dataDir } = await setup();
    const a = await inverter('90553KSE00001');
    const b = await inverter('90553KSE00002');
    const app = await startApp(broker, dataDir, { kostal: [kostalEntry(a, 'pv_a'), kostalEntry(b, 'pv_b')] });
    await published(probe, 'pv_a');
    await published(probe, 'pv_b');
    await a.stop();
    const moved = await inverter('90553KSE00001');

    await app.applyOptions({ ...app.currentOptions, kostal: [kostalEntry(moved, 'pv_roof'), kostalEntry(b, 'pv_b')] });

    await cleared(probe, 'pv_a');
    await waitFor(() => !app.hub.get('pv_a') && app.hub.get('pv_roof'), { ...WAIT, what: 'pv_a gone, pv_roof listed' });
    const fresh = await retainedNow(broker, 'homeassistant/device/pv_roof/config');
    expect(fresh.messages.filter((m) => m.topic.includes('pv_a') && m.payload !== '')).toEqual([]);
  });

  it('removes one of two inverters: its record and retained topics go, the other stays', async () => {
    const { broker, probe, dataDir } = await setup();
    const a = await inverter('90553KSE00001');
    const b = await inverter('90553KSE00002');
    const app = await startApp(broker, dataDir, { kostal: [kostalEntry(a, 'pv_a'), kostalEntry(b, 'pv_b')] });
    await published(probe, 'pv_a');
    await published(probe, 'pv_b');

    await app.applyOptions({ ...app.currentOptions, kostal: [kostalEntry(a, 'pv_a')] });

    await cleared(probe, 'pv_b');
    await waitFor(() => !app.hub.get('pv_b'), { ...WAIT, what: 'pv_b gone from the hub' });
    expect(app.hub.get('pv_a')).toBeDefined();
    const fresh = await retainedNow(broker, 'homeassistant/device/pv_a/config');
    expect(fresh.messages.filter((m) => m.topic.includes('pv_b') && m.payload !== '')).toEqual([]);
  });

  it('removes every device of a driver whose section is emptied, with no driver left to wait for', async () => {
    const { broker, probe, dataDir } = await setup();
    const a = await inverter('90553KSE00001');
    const app = await startApp(broker, dataDir, { kostal: [kostalEntry(a, 'pv_a')] });
    await published(probe, 'pv_a');

    await app.applyOptions({ ...app.currentOptions, kostal: [] });

    expect(app.hub.get('pv_a')).toBeUndefined();
    await cleared(probe, 'pv_a');
  });
});

describe('retained discovery at start', () => {
  it("clears a previous run's device that is no longer configured and leaves another instance's alone", async () => {
    const { broker, probe, dataDir } = await setup();
    const a = await inverter('90553KSE00001');
    const b = await inverter('90553KSE00002');
    const first = await startApp(broker, dataDir, { kostal: [kostalEntry(a, 'pv_a'), kostalEntry(b, 'pv_b')] });
    await published(probe, 'pv_a');
    await published(probe, 'pv_b');
    await first.stop();
    // Another Wattwire on the same broker, with its own bridge topic.
    const foreign = {
      dev: { ids: ['wattwire_pv_other'], name: 'Other' },
      o: { name: 'Wattwire', sw: 'test' },
      avty: [{ t: 'other/bridge/status' }, { t: 'other/pv_other/status' }],
      cmps: {},
    };
    await probe.publish('homeassistant/device/pv_other/config', JSON.stringify(foreign), true);
    await probe.publish('wattwire/pv_other/state', '{"ac_power":1}', true);

    const second = await startApp(broker, dataDir, { kostal: [kostalEntry(a, 'pv_a')] });
    expect(await second.staleDiscoverySwept).toEqual(['pv_b']);

    await cleared(probe, 'pv_b');
    const fresh = await retainedNow(broker, 'homeassistant/device/pv_other/config');
    await fresh.waitFor('homeassistant/device/pv_a/config', (m) => m.retain && m.payload !== '', WAIT.timeoutMs);
    expect(fresh.json('homeassistant/device/pv_other/config')).toEqual(foreign);
    expect(fresh.last('wattwire/pv_other/state')?.payload).toBe('{"ac_power":1}');
    expect(fresh.messages.filter((m) => m.topic.includes('pv_b') && m.payload !== '')).toEqual([]);
  });

  it("keeps a dial-in meter's discovery across a restart until the meter redials", async () => {
    const { broker, probe, dataDir } = await setup();
    const listenPort = await freePort();
    const options = { dlt645: { listen: true, listen_port: listenPort, poll_interval: 5, timeout: 2 } };
    const meter = '000000230001';
    const first = await startApp(broker, dataDir, options);
    const dialling = startDlt645Sim({ port: listenPort, addresses: [meter], reconnectMs: 500, seed: 3 });
    await published(probe, meter);
    await dialling.stop();
    await first.stop();

    const second = await startApp(broker, dataDir, options);
    expect(await second.staleDiscoverySwept).toEqual([]);
    const fresh = await retainedNow(broker, `homeassistant/device/${meter}/config`);
    expect(fresh.json(`homeassistant/device/${meter}/config`)?.dev.ids).toEqual([`wattwire_${meter}`]);
    expect(probe.on(`homeassistant/device/${meter}/config`).filter((m) => m.payload === '')).toEqual([]);

    const redialling = startDlt645Sim({ port: listenPort, addresses: [meter], reconnectMs: 500, seed: 3 });
    cleanup.push(() => redialling.stop());
    await waitFor(() => second.hub.get(meter), { ...WAIT, what: 'the meter back in the hub' });
  });
});
