/**
 * The chaos run: the bridge (a child process) with every simulator and a real Mosquitto,
 * while faults are injected at random. At the end it checks that the process never exited,
 * that every device's availability matches its simulator, that every counter's last
 * published value equals the simulator's after recovery, that no counter went backwards,
 * and that memory stayed bounded. Loopback only; bounded in time.
 */
import net from 'node:net';
import type { SimFault } from '../server/sim/demoSim.ts';
import { MqttProbe } from '../test/support/mqttProbe.ts';
import { startHarness } from './harness.ts';

export interface ChaosSettings {
  durationMs: number;
  seed?: number;
  /** Time allowed after the last fault for everything to recover. */
  settleMs?: number;
  log?: (line: string) => void;
}

export interface ChaosResult {
  failures: string[];
  faults: { name: string; injected: number; recovered: number }[];
  rssMb: { first: number; max: number; last: number };
  table: string;
}

/** Small deterministic generator so a failing run can be repeated with its seed. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

const GARBAGE = [
  Buffer.from([0x68, 0x68, 0x68, 0x16, 0xfe, 0xfe]),
  Buffer.from('GET / HTTP/1.1\r\n\r\n'),
  Buffer.from([0x00, 0x01, 0x00, 0x01, 0x00, 0x01, 0xff, 0xff]),
  Buffer.from([0x7e, 0xa0, 0x07, 0x03, 0x21, 0x7e]),
  Buffer.alloc(512, 0xaa),
];

const BAD_COMMANDS = [
  '{',
  '[]',
  '{"command":"read"}',
  '{"requestId":1,"command":"read","register":"nope"}',
  '{"requestId":2,"command":"readGroup","group":"x"}',
  '{"requestId":3,"command":"write","register":"a","value":1e309}',
  'null',
  '"\u0000"',
];

function sendGarbage(port: number, data: Buffer): Promise<void> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.on('error', () => resolve());
    s.on('connect', () => s.end(data));
    s.on('close', () => resolve());
    s.setTimeout(1000, () => s.destroy());
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runChaos(settings: ChaosSettings): Promise<ChaosResult> {
  const log = settings.log ?? (() => undefined);
  const random = rng(settings.seed ?? Date.now());
  const failures: string[] = [];
  const h = await startHarness();
  const { broker, sims, options, httpPort } = h;
  failures.push(...h.startErrors);
  const probe = await MqttProbe.connect(broker.url);
  const counterKeys = new Map<string, Set<string>>();
  const lastCounter = new Map<string, number>();
  const backwards: { id: string; key: string; text: string }[] = [];
  probe.client.on('message', (topic, payload) => {
    const text = payload.toString();
    if (!text) return;
    let body: any;
    try {
      body = JSON.parse(text);
    } catch {
      return;
    }
    const disc = /^homeassistant\/device\/([^/]+)\/config$/.exec(topic);
    if (disc) {
      const keys = new Set<string>();
      for (const [k, c] of Object.entries(body.cmps ?? {})) if ((c as any).stat_cla === 'total_increasing') keys.add(k);
      counterKeys.set(disc[1]!, keys);
      return;
    }
    const st = /^wattwire\/([^/]+)\/state$/.exec(topic);
    if (!st) return;
    for (const key of counterKeys.get(st[1]!) ?? []) {
      const v = body[key];
      if (typeof v !== 'number') continue;
      const id = `${st[1]}.${key}`;
      const prev = lastCounter.get(id);
      if (prev !== undefined && v < prev) backwards.push({ id: st[1]!, key, text: `${id} went from ${prev} to ${v}` });
      lastCounter.set(id, v);
    }
  });

  const rss: number[] = [];
  const sampler = setInterval(() => rss.push(h.rssMb()), 1000);

  const tally = new Map<string, { injected: number; recovered: number }>();
  const count = (name: string, field: 'injected' | 'recovered') => {
    const t = tally.get(name) ?? { injected: 0, recovered: 0 };
    t[field]++;
    tally.set(name, t);
  };
  const simFaults: SimFault[] = sims.flatMap((s) => s.faults?.() ?? []);
  const listeners = [...new Set([httpPort, broker.port, ...sims.flatMap((s) => s.bridgeListeners?.(options) ?? [])])];
  const active: Promise<void>[] = [];

  await sleep(3000);
  const end = Date.now() + settings.durationMs;
  while (Date.now() < end && h.exitCode() === null) {
    const pick = random();
    if (pick < 0.15) {
      const downMs = 1000 + random() * 3000;
      log(`broker: killed for ${Math.round(downMs)} ms`);
      count('broker killed and restarted', 'injected');
      await broker.stop();
      await sleep(downMs);
      await broker.restart();
      count('broker killed and restarted', 'recovered');
      await probe.client.subscribeAsync('#', { qos: 1 }).catch(() => undefined);
    } else if (pick < 0.55 && simFaults.length > 0) {
      const fault = simFaults[Math.floor(random() * simFaults.length)];
      const holdMs = 1000 + random() * 4000;
      log(`${fault!.name} for ${Math.round(holdMs)} ms`);
      count(fault!.name, 'injected');
      active.push(
        (async () => {
          await fault!.inject();
          await sleep(holdMs);
          await fault!.recover();
          count(fault!.name, 'recovered');
        })().catch((err: unknown) => {
          failures.push(`fault ${fault!.name} failed: ${(err as Error).message}`);
        }),
      );
    } else if (pick < 0.8) {
      const port = listeners[Math.floor(random() * listeners.length)];
      count('garbage sent to a listener', 'injected');
      await sendGarbage(port!, GARBAGE[Math.floor(random() * GARBAGE.length)]!);
      count('garbage sent to a listener', 'recovered');
    } else {
      const ids = [...counterKeys.keys()];
      const id = ids.length > 0 ? ids[Math.floor(random() * ids.length)] : 'unknown';
      const bad = BAD_COMMANDS[Math.floor(random() * BAD_COMMANDS.length)];
      count('bad command on the topic API', 'injected');
      await probe.publish(`wattwire/${id}/command/request`, bad!).catch(() => undefined);
      await probe.publish(`wattwire/${id}/set/nope`, bad!).catch(() => undefined);
      count('bad command on the topic API', 'recovered');
    }
    await sleep(300 + random() * 1200);
  }
  await Promise.all(active);
  for (const s of sims) s.freeze?.();

  // Recovery: every device's status and counters must come to match its simulator.
  const settleEnd = Date.now() + (settings.settleMs ?? 45_000);
  let mismatches: string[] = [];
  const truths = () => sims.flatMap((s) => s.truth?.() ?? []);
  do {
    await sleep(1000);
    mismatches = [];
    for (const truth of truths()) {
      const status = probe.json(`wattwire/${truth.id}/status`);
      const state = probe.json(`wattwire/${truth.id}/state`);
      const published = status?.state as string | undefined;
      const okAvailability =
        truth.availability === 'offline'
          ? published !== 'online'
          : published === truth.availability || (truth.availability === 'asleep' && published === 'online');
      if (!okAvailability) mismatches.push(`${truth.id}: simulator is ${truth.availability}, bridge says ${published ?? 'nothing'}`);
      if (truth.availability === 'online') {
        for (const [key, value] of Object.entries(truth.counters)) {
          const got = state?.[key];
          if (typeof got !== 'number' || Math.abs(got - value) > 1e-6 * Math.max(1, Math.abs(value))) {
            mismatches.push(`${truth.id}.${key}: simulator ${value}, published ${got ?? 'nothing'}`);
          }
        }
      }
    }
  } while (mismatches.length > 0 && Date.now() < settleEnd && h.exitCode() === null);
  clearInterval(sampler);

  failures.push(...h.watch.failures());
  const daily = new Set(truths().flatMap((t) => (t.dailyCounters ?? []).map((key) => `${t.id}.${key}`)));
  const regressions = backwards.filter((b) => !daily.has(`${b.id}.${b.key}`));
  failures.push(...mismatches, ...regressions.map((b) => `counter went backwards: ${b.text}`));
  for (const s of sims) if (!s.truth) failures.push(`the ${s.kind} simulator cannot say its real state (no truth())`);
  const third = Math.max(1, Math.floor(rss.length / 3));
  const firstMax = Math.max(...rss.slice(0, third), 1);
  const lastMax = Math.max(...rss.slice(-third), 1);
  if (lastMax > firstMax * 1.5 + 50) failures.push(`memory grew from ${firstMax.toFixed(0)} MB to ${lastMax.toFixed(0)} MB`);

  await probe.close();
  await h.stop();

  const faults = [...tally.entries()].map(([name, t]) => ({ name, ...t }));
  const width = Math.max(5, ...faults.map((f) => f.name.length));
  const table = [
    `${'fault'.padEnd(width)}  injected  recovered`,
    ...faults.map((f) => `${f.name.padEnd(width)}  ${String(f.injected).padStart(8)}  ${String(f.recovered).padStart(9)}`),
  ].join('\n');
  return { failures, faults, rssMb: { first: firstMax, max: Math.max(...rss, 0), last: rss.at(-1) ?? 0 }, table };
}
