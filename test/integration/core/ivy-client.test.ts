/**
 * The IVY gateway's own JavaScript client example (test/fixtures/ivy/client.mjs, from the
 * seed) run unchanged with node against Wattwire on IVY topics, a simulated single-phase
 * DL/T 645 meter and a real Mosquitto: every field it prints must be one the seed's tables
 * document, with their types and units. Also the gateway's stats and the meters' first status.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Writable } from 'node:stream';
import { WattwireApp } from '../../../server/app.ts';
import { createLogger } from '../../../server/core/logger.ts';
import { optionsSchema } from '../../../server/options/schema.ts';
import { startDlt645Sim, type Dlt645Sim } from '../../../server/sim/dlt645/tcpSim.ts';
import { Mosquitto } from '../../support/mosquitto.ts';
import { MqttProbe } from '../../support/mqttProbe.ts';
import { freePort, waitFor } from '../../support/ports.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLIENT = path.join(ROOT, 'test/fixtures/ivy/client.mjs');
const RECORDER = pathToFileURL(path.join(ROOT, 'test/support/recordConsoleLog.mjs')).href;
const EXAMPLE_BROKER = 'mqtt://localhost:1883';

const METER = '000000000001';
/** Configured, but its DTU never dials in. */
const ABSENT = '000000000009';
const BASE = 'ivy/v1/meters';
const GATEWAY = 'ivy/v1/gateway';

/** The seed's "Available Registers": name → data id and unit. */
const SEED_REGISTERS: Record<string, [string, string]> = {
  totalActiveEnergy: ['00010000', 'kWh'],
  totalActiveEnergyForward: ['00010100', 'kWh'],
  totalActiveEnergyReverse: ['00010200', 'kWh'],
  // The seed says kvarh; DL/T 645-2007 says 00020000 is reverse active energy in kWh (DOCS.md).
  totalReactiveEnergy: ['00020000', 'kWh'],
  totalActivePower: ['02030000', 'kW'],
  activePowerA: ['02030100', 'kW'],
  activePowerB: ['02030200', 'kW'],
  activePowerC: ['02030300', 'kW'],
  totalReactivePower: ['02040000', 'kvar'],
  totalApparentPower: ['02050000', 'kVA'],
  voltageA: ['02010100', 'V'],
  voltageB: ['02010200', 'V'],
  voltageC: ['02010300', 'V'],
  currentA: ['02020100', 'A'],
  currentB: ['02020200', 'A'],
  currentC: ['02020300', 'A'],
  totalPowerFactor: ['02060000', '-'],
  powerFactorA: ['02060100', '-'],
  powerFactorB: ['02060200', '-'],
  powerFactorC: ['02060300', '-'],
  frequency: ['02800002', 'Hz'],
};
/** What a single-phase meter answers (the others it refuses: "no requested data"). */
const SINGLE_PHASE = Object.keys(SEED_REGISTERS).filter((k) => !/[BC]$/.test(k));

/** Fields Wattwire adds to the seed's, documented in DOCS.md; any other field fails. */
const STATUS_EXTRA = ['state', 'reason', 'since'];
const RESPONSE_DATA_EXTRA = ['dataId'];

type Printed = [string, Record<string, any>];

function runExample(brokerUrl: string): { child: ChildProcess; printed: unknown[][] } {
  const source = readFileSync(CLIENT, 'utf8');
  expect(source.split(EXAMPLE_BROKER)).toHaveLength(2);
  const child = spawn(process.execPath, ['--import', RECORDER, '--input-type=module', '-e', source.replace(EXAMPLE_BROKER, brokerUrl)], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  });
  const printed: unknown[][] = [];
  createInterface({ input: child.stdio[3] as Readable }).on('line', (line) => printed.push(JSON.parse(line) as unknown[]));
  return { child, printed };
}

function expectKeys(obj: Record<string, unknown>, required: string[], optional: string[] = []): void {
  for (const k of required) expect(obj, `field ${k}`).toHaveProperty(k);
  expect(Object.keys(obj).filter((k) => !required.includes(k) && !optional.includes(k))).toEqual([]);
}

describe('the IVY gateway client example against Wattwire', () => {
  let broker: Mosquitto;
  let app: WattwireApp;
  let sim: Dlt645Sim;
  let probe: MqttProbe;
  let example: { child: ChildProcess; printed: unknown[][] } | undefined;

  beforeAll(async () => {
    broker = await Mosquitto.start(undefined, ['sys_interval 1']);
    probe = await MqttProbe.connect(broker.url);
    const listenPort = await freePort();
    const options = optionsSchema.parse({
      mqtt: { host: '127.0.0.1', port: broker.port, base_topic: BASE, bridge_topic: GATEWAY },
      dlt645: { listen: true, listen_port: listenPort, poll_interval: 1, timeout: 2 },
      dlt645_meters: [{ address: ABSENT }],
    });
    app = new WattwireApp({
      options,
      env: { dataDir: mkdtempSync(path.join(tmpdir(), 'ww-ivy-')), httpPort: 0, mqttPort: 0, mqttWsPort: 0 },
      log: createLogger('error', new Writable({ write: (_c, _e, cb) => cb() })),
      web: false,
      statsIntervalMs: 300,
    });
    await app.start();
    sim = startDlt645Sim({ port: listenPort, addresses: [METER], silentShare: 0, threePhaseShare: 0, heartbeatMs: 0, reconnectMs: 300 });
  });

  afterAll(async () => {
    example?.child.kill();
    await sim?.stop();
    await probe?.close();
    await app?.stop();
    await broker?.stop();
  });

  it("publishes a meter's first status as online, and a configured absent meter's as offline", async () => {
    await probe.waitFor(`${BASE}/${METER}/status`, () => true, 20_000);
    expect(JSON.parse(probe.on(`${BASE}/${METER}/status`)[0]!.payload)).toMatchObject({ meterId: METER, online: true, ip: '127.0.0.1' });
    const absent = await probe.waitFor(`${BASE}/${ABSENT}/status`, () => true, 20_000);
    expect(JSON.parse(absent.payload)).toMatchObject({ meterId: ABSENT, online: false, state: 'offline' });
    expect(JSON.parse(absent.payload)).not.toHaveProperty('ip');
  }, 30_000);

  it('never publishes telemetry without a value, even for the registers a single-phase meter refuses', async () => {
    const telemetry = () => probe.messages.filter((m) => m.topic === `${BASE}/${METER}/telemetry`).map((m) => JSON.parse(m.payload));
    await waitFor(() => SINGLE_PHASE.every((k) => telemetry().some((t) => t.register.name === k)), {
      timeoutMs: 30_000,
      what: 'a full poll',
    });
    await waitFor(() => (app.hub.get(METER)?.diagnostics.polls as number) >= 2, { timeoutMs: 20_000, what: 'a second poll' });
    expect(telemetry().filter((t) => typeof t.value !== 'number')).toEqual([]);
    expect(new Set(telemetry().map((t) => t.register.name))).toEqual(new Set(SINGLE_PHASE));
  }, 60_000);

  it('runs the seed example unchanged: every field it prints is in the seed, with its type and unit', async () => {
    example = runExample(broker.url);
    const { printed } = example;
    const messages = () => printed.filter((p): p is Printed => p.length === 2 && typeof p[0] === 'string');
    const on = (leaf: string) => messages().filter(([t]) => t.endsWith(`/${leaf}:`));
    // It asks for totalActiveEnergy as soon as it starts; the meter is online by now.
    await waitFor(() => on('command/response').length > 0, { timeoutMs: 20_000, what: 'the command response' });
    await waitFor(() => SINGLE_PHASE.every((k) => on('telemetry').some(([, d]) => d.register?.name === k)), {
      timeoutMs: 30_000,
      what: 'telemetry of every register',
    });
    // A dropped DTU: the meter disconnects and connects again, with events and statuses.
    sim.drop(METER, 500);
    await waitFor(() => on('events').some(([, d]) => d.event === 'meter_connected'), { timeoutMs: 30_000, what: 'meter_connected' });
    example.child.kill();

    expect(printed[0]).toEqual(['Connected to IVY Gateway']);
    for (const [topic] of messages()) expect(topic).toMatch(new RegExp(`^${BASE}/\\d{12}/(telemetry|status|events|command/response):$`));

    for (const [topic, d] of on('telemetry')) {
      expect(topic).toBe(`${BASE}/${METER}/telemetry:`);
      expectKeys(d, ['meterId', 'timestamp', 'register', 'value', 'unit', 'raw']);
      expectKeys(d.register, ['id', 'name', 'description']);
      const [id, unit] = SEED_REGISTERS[d.register.name]!;
      expect(d).toMatchObject({ meterId: METER, timestamp: expect.any(Number), value: expect.any(Number), unit, raw: expect.any(String) });
      expect(d.register).toEqual({ id, name: d.register.name, description: expect.any(String) });
      expect(d.raw).toMatch(/^([0-9A-F]{2})+$/);
      // Raw BCD digits, most significant first: an energy's raw is its value in hundredths.
      if (unit === 'kWh') expect(Number(d.raw) / 100).toBe(d.value);
      if (unit === 'V') expect(Number(d.raw) / 10).toBe(d.value);
    }
    const power = on('telemetry').find(([, d]) => d.register.name === 'totalActivePower')![1];
    expect(Math.abs(power.value)).toBeLessThan(80); // kW (XX.XXXX), not W

    const statuses = on('status').filter(([t]) => t === `${BASE}/${METER}/status:`);
    const transitions = statuses.map(([, d]) => d.online).filter((online, i, all) => i === 0 || online !== all[i - 1]);
    expect(transitions).toEqual([true, false, true]);
    for (const [, d] of on('status')) {
      expectKeys(d, ['meterId', 'online', 'timestamp'], [...STATUS_EXTRA, 'ip']);
      expect(d).toMatchObject({ meterId: expect.stringMatching(/^\d{12}$/), online: expect.any(Boolean), timestamp: expect.any(Number) });
      if (d.online) expect(d.ip).toBe('127.0.0.1');
      else expect(d).not.toHaveProperty('ip');
    }

    expect(on('events').map(([, d]) => d.event)).toEqual(expect.arrayContaining(['meter_disconnected', 'meter_connected']));
    for (const [, d] of on('events')) {
      expectKeys(d, ['meterId', 'timestamp', 'type', 'event', 'message'], ['data']);
      expect(['alarm', 'warning', 'info']).toContain(d.type);
      expect(d).toMatchObject({ meterId: METER, timestamp: expect.any(Number), event: expect.any(String), message: expect.any(String) });
      if ('data' in d) expect(typeof d.data).toBe('object');
    }

    const [, response] = on('command/response')[0]!;
    expectKeys(response, ['requestId', 'success', 'timestamp', 'data']);
    expect(response).toMatchObject({ requestId: expect.stringMatching(/^req-\d+$/), success: true, timestamp: expect.any(Number) });
    expectKeys(response.data, ['register', 'value', 'unit'], RESPONSE_DATA_EXTRA);
    expect(response.data).toMatchObject({ register: 'totalActiveEnergy', value: expect.any(Number), unit: 'kWh' });
  }, 90_000);

  it("publishes the gateway's stats with the seed's fields", async () => {
    const stats = await probe.waitFor(`${GATEWAY}/stats`, (m) => JSON.parse(m.payload).mqtt.clients >= 2, 20_000);
    const d = JSON.parse(stats.payload);
    expect(d).toMatchObject({
      timestamp: expect.any(Number),
      meters: { connected: 1, total: 2 },
      mqtt: { clients: expect.any(Number), messagesPublished: expect.any(Number) },
      polling: { enabled: true, interval: 1000, lastRun: expect.any(Number) },
    });
    expect(d.polling.lastRun).toBeLessThanOrEqual(d.timestamp);
    expect(d.polling.lastRun).toBeGreaterThan(d.timestamp - 60_000);
  }, 30_000);
});
