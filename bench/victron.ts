/**
 * Victron figures: notifications per second the driver ingests from the GX simulator, and the
 * keep-alive traffic per hour at the production interval (measured with a scaled-down clock).
 */
import mqtt from 'mqtt';
import { Hub } from '../server/core/hub.ts';
import { createLogger } from '../server/core/logger.ts';
import { createVictronDriver } from '../server/drivers/victron/driver.ts';
import { DEFAULT_TIMING } from '../server/drivers/victron/session.ts';
import { optionsSchema } from '../server/options/schema.ts';
import { GxSimulator } from '../server/sim/victron/gx.ts';
import { decodePayload } from '../server/protocols/victron/payload.ts';
import { docRate, figure, repeatTo, rnd } from './hostileInput.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function rig(keepaliveMs: number) {
  const sim = await GxSimulator.start({ generation: 'flashmq', changeMs: 0, heartbeatMs: 50, keepaliveTimeoutMs: keepaliveMs * 2 });
  const hub = new Hub();
  const driver = createVictronDriver(
    {
      hub,
      log: createLogger('silent'),
      options: optionsSchema.parse({ victron: [{ host: '127.0.0.1', port: sim.port }] }),
      dataDir: '/tmp',
      reportConfigError: () => undefined,
    },
    { ...DEFAULT_TIMING, keepaliveMs, heartbeatTimeoutMs: keepaliveMs * 2, silenceTimeoutMs: keepaliveMs * 4 },
  );
  await driver.start();
  const diag = () => (driver.diagnostics!() as { systems: { messagesIn: number; lapses: number; generation: string }[] }).systems[0];
  for (let i = 0; i < 200 && diag()!.generation !== 'flashmq'; i++) await sleep(10);
  return {
    sim,
    hub,
    driver,
    diag,
    stop: async () => {
      await driver.stop();
      await sim.stop();
    },
  };
}

/** Publish value changes from the simulator for ~1.5 s as fast as `received` keeps up; messages per second. */
async function floodRate(sim: GxSimulator, received: () => number, durationMs = 1500): Promise<number> {
  await sleep(300);
  const before = received();
  const started = performance.now();
  let sent = 0;
  while (performance.now() - started < durationMs) {
    sim.publishChanges(100);
    sent += 100;
    await new Promise((res) => setImmediate(res));
    // keep the broker's queue short so the figure is what the subscriber takes in
    while (received() - before < sent - 2000) await new Promise((res) => setImmediate(res));
  }
  while (received() - before < sent && performance.now() - started < 10_000) await sleep(1);
  return (received() - before) / ((performance.now() - started) / 1000);
}

async function ingestRate(): Promise<Record<string, unknown>[]> {
  const r = await rig(30_000);
  let driverRate: number;
  try {
    // warm-up: the first flood through aedes, mqtt.js and the driver runs cold (JIT)
    await floodRate(r.sim, () => r.diag()!.messagesIn, 1000);
    driverRate = await floodRate(r.sim, () => r.diag()!.messagesIn);
  } finally {
    await r.stop();
  }
  // Baseline: a bare mqtt.js subscriber on the same simulator (the broker's own ceiling).
  const sim = await GxSimulator.start({ generation: 'flashmq', changeMs: 0 });
  const client = await mqtt.connectAsync(sim.url);
  let rawRate: number;
  try {
    let n = 0;
    client.on('message', () => n++);
    await client.subscribeAsync(`N/${sim.portalId}/#`);
    client.publish(`R/${sim.portalId}/keepalive`, '');
    await floodRate(sim, () => n, 1000);
    rawRate = await floodRate(sim, () => n);
  } finally {
    await client.endAsync(true);
    await sim.stop();
  }
  return [
    { figure: 'victron_messages_ingested_per_s', value: Math.round(driverRate), unit: 'per_s' },
    { figure: 'victron_raw_subscriber_messages_per_s', value: Math.round(rawRate), unit: 'per_s' },
    { figure: 'victron_ingest_vs_raw_subscriber', value: Math.round((driverRate / rawRate) * 100) / 100, unit: 'ratio' },
  ];
}

async function keepaliveTraffic(): Promise<Record<string, unknown>[]> {
  const scaledMs = 50;
  const r = await rig(scaledMs);
  try {
    const k0 = r.sim.stats.keepalives;
    const f0 = r.sim.stats.fullPublishes;
    const started = performance.now();
    await sleep(1500);
    const intervals = (performance.now() - started) / scaledMs;
    const perHour = 3_600_000 / DEFAULT_TIMING.keepaliveMs;
    return [
      {
        figure: 'victron_keepalives_sent_per_hour',
        value: Math.round(((r.sim.stats.keepalives - k0) / intervals) * perHour),
        unit: 'per_h',
        interval_s: DEFAULT_TIMING.keepaliveMs / 1000,
      },
      {
        figure: 'victron_full_republishes_per_hour',
        value: Math.round(((r.sim.stats.fullPublishes - f0) / intervals) * perHour),
        unit: 'per_h',
      },
      { figure: 'victron_keepalive_lapses_in_run', value: r.diag()!.lapses, unit: 'count' },
    ];
  } finally {
    await r.stop();
  }
}

export async function bench(): Promise<Record<string, unknown>[]> {
  return [...(await ingestRate()), ...(await keepaliveTraffic())];
}

/** The payload decoder on hostile JSON (`npm run bench -- hostile`). */
export function hostileFigures(): Record<string, unknown>[] {
  const size = 60 * 1024;
  return [
    figure({
      parser: 'victron_payload',
      random: { what: 'a list of random numbers', input: `{"value":[${repeatTo(() => `${rnd(1e6) / 3},`, size)}0]}` },
      rate: (input) => docRate(decodePayload, input),
      patterns: {
        bracketString: `{"value":"${'{'.repeat(size)}"}`,
        escapeRun: `{"value":"${'\\"'.repeat(size / 2)}"}`,
        shallowLists: `{"value":[${repeatTo(() => '[[]],', size)}0]}`,
        deep: `{"value":${'['.repeat(size / 2)}${']'.repeat(size / 2)}}`,
      },
    }),
  ];
}
