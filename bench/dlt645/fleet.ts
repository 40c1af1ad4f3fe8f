/**
 * The DL/T 645 dial-in fleet: N meters dial in to the bridge (a child process), which polls
 * them and publishes to a real Mosquitto. The meters are a separate process
 * (bench/dlt645/fleetMeters.ts) speaking plain DL/T 645 with none of Wattwire's code. Figures per
 * fleet size: readings per second sustained, p50/p99 latency from the meter's answer to the
 * MQTT message arriving (the meters answer on loopback as soon as the request arrives, so
 * this is request to publish), the bridge's RSS idle and under load and its CPU, and the
 * meters', Mosquitto's and this subscriber's CPU, which share the machine.
 */
import { fork, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import mqtt from 'mqtt';
import { freePort } from '../../server/sim/freePort.ts';
import type { FleetMetersConfig } from './fleetMeters.ts';
import { buildImageLayout } from '../imageLayout.ts';
import { productionNodeFlags } from '../nodeFlags.ts';
import { Mosquitto } from '../../test/support/mosquitto.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function procStat(pid: number): { cpuTicks: number; rssMb: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rss = /VmRSS:\s+(\d+) kB/.exec(status);
  return { cpuTicks: Number(stat[11]) + Number(stat[12]), rssMb: rss ? Number(rss[1]) / 1024 : 0 };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** @param imageDir an image layout (bench/imageLayout.ts) the bridge runs from, as the add-on runs it. */
export async function fleetRun(imageDir: string, meters: number, pollSeconds = 10, windowMs = 20_000): Promise<Record<string, unknown>> {
  const broker = await Mosquitto.start();
  const dir = mkdtempSync(path.join(tmpdir(), 'ww-fleet-'));
  const listenPort = await freePort();
  const optionsFile = path.join(dir, 'options.json');
  writeFileSync(
    optionsFile,
    JSON.stringify({
      log_level: 'error',
      mqtt: { host: '127.0.0.1', port: broker.port, queue_size: 200_000 },
      dlt645: {
        listen: true,
        listen_port: listenPort,
        poll_interval: pollSeconds,
        timeout: 5,
        retries: 1,
        // The whole fleet dials in from this host at once: lift the flood guards above it.
        max_meters: meters,
        adopt_per_minute: meters,
        max_connections: meters + 100,
        max_connections_per_ip: meters + 100,
      },
    }),
  );
  const httpPort = await freePort();
  // The add-on's Node flags, so that RSS is what the add-on would show.
  const child = spawn(process.execPath, [...productionNodeFlags(), 'server/cli.js', 'start', '--options', optionsFile], {
    cwd: imageDir,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      WATTWIRE_DATA_DIR: dir,
      WATTWIRE_HTTP_PORT: String(httpPort),
      SUPERVISOR_TOKEN: '',
    },
    stdio: 'ignore',
  });
  const pid = child.pid as number;
  /** Telemetry that arrived while recording: meter, register DI and arrival time. */
  const arrivals: { key: string; at: number }[] = [];
  let recording = false;
  let received = 0;
  const online = new Set<string>();
  const sub = await mqtt.connectAsync(broker.url, { clean: true });
  await sub.subscribeAsync(['wattwire/+/telemetry', 'wattwire/+/status'], { qos: 0 });
  sub.on('message', (topic, payload) => {
    const now = Date.now();
    const body = JSON.parse(payload.toString());
    if (topic.endsWith('/status')) {
      if (body.online) online.add(body.meterId);
      else online.delete(body.meterId);
      return;
    }
    received++;
    if (recording) arrivals.push({ key: `${body.meterId} ${body.register.id}`, at: now });
  });
  await sleep(3000);
  const idle = procStat(pid);
  const config: FleetMetersConfig = { port: listenPort, meters, firstAddress: 100000, silentShare: 0.1 };
  const sim = fork(new URL('./fleetMeters.ts', import.meta.url).pathname, [JSON.stringify(config)], {
    execArgv: ['--import', 'tsx'],
    stdio: 'ignore',
  });
  const simPid = sim.pid as number;
  const connectStart = Date.now();
  while (online.size < meters && Date.now() - connectStart < 120_000) await sleep(500);
  const connectMs = Date.now() - connectStart;
  await sleep(pollSeconds * 1000);
  const before = procStat(pid);
  const brokerBefore = procStat(broker.pid as number);
  const simBefore = procStat(simPid);
  const subBefore = process.cpuUsage();
  const receivedBefore = received;
  sim.send({ cmd: 'record' });
  recording = true;
  const t0 = Date.now();
  await sleep(windowMs);
  const elapsed = (Date.now() - t0) / 1000;
  const after = procStat(pid);
  const brokerAfter = procStat(broker.pid as number);
  const simAfter = procStat(simPid);
  const subCpu = process.cpuUsage(subBefore);
  const reads = (received - receivedBefore) / elapsed;
  // Answers still in flight when the window closes get their telemetry counted too.
  await sleep(2000);
  recording = false;
  const answerFile = path.join(dir, 'answers.txt');
  const dumped = new Promise((r) => sim.once('message', r));
  sim.send({ cmd: 'dump', file: answerFile });
  await dumped;
  const sorted = matchLatencies(readFileSync(answerFile, 'utf8'), arrivals);
  const cpuPct = ((after.cpuTicks - before.cpuTicks) / 100 / elapsed) * 100;
  // V8's heap as the bridge reports it (garbage not yet collected included): what the add-on's heap limit is measured against.
  const heap = (
    (await (await fetch(`http://127.0.0.1:${httpPort}/api/stats`)).json()) as { process: { heapUsedMb: number; heapTotalMb: number } }
  ).process;
  // Counted before the meters stop: their hanging up turns them offline.
  const onlineAtEnd = online.size;
  const simExited = new Promise((r) => sim.once('exit', r));
  sim.send({ cmd: 'stop' });
  await simExited;
  await sub.endAsync(true);
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  await broker.stop();
  return {
    figure: `dlt645_fleet_${meters}`,
    meters,
    meters_online: onlineAtEnd,
    connect_all_ms: connectMs,
    poll_interval_s: pollSeconds,
    readings_per_s_demanded: Math.round((meters * READINGS_PER_POLL) / pollSeconds),
    readings_per_s_sustained: Math.round(reads),
    latency_samples: sorted.length,
    latency_p50_ms: percentile(sorted, 50),
    latency_p99_ms: percentile(sorted, 99),
    rss_idle_mb: Number(idle.rssMb.toFixed(1)),
    rss_load_mb: Number(after.rssMb.toFixed(1)),
    heap_used_mb: heap.heapUsedMb,
    heap_total_mb: heap.heapTotalMb,
    cpu_pct: Number(cpuPct.toFixed(1)),
    cpu_pct_per_1000_meters: Number(((cpuPct / meters) * 1000).toFixed(2)),
    broker_cpu_pct: Number((((brokerAfter.cpuTicks - brokerBefore.cpuTicks) / 100 / elapsed) * 100).toFixed(1)),
    meters_process_cpu_pct: Number((((simAfter.cpuTicks - simBefore.cpuTicks) / 100 / elapsed) * 100).toFixed(1)),
    subscriber_cpu_pct: Number((((subCpu.user + subCpu.system) / 1e6 / elapsed) * 100).toFixed(1)),
    load_avg_1m_at_end: Number(os.loadavg()[0]!.toFixed(2)),
    machine_cores: os.availableParallelism(),
    rss_mb_per_1000_meters: Number((((after.rssMb - idle.rssMb) / meters) * 1000).toFixed(1)),
    rss_kb_per_meter_beyond_idle: Math.round(((after.rssMb - idle.rssMb) * 1024) / meters),
  };
}

/** Registers published per meter per poll: the 21 the fleet's meters answer (bench/dlt645/fleetMeters.ts). */
const READINGS_PER_POLL = 21;

/**
 * Request-to-publish latency of every telemetry message that arrived while recording: from
 * the meter's latest answer for that register at or before the arrival (`address di ms` lines).
 */
function matchLatencies(answerLines: string, arrivals: { key: string; at: number }[]): number[] {
  const answers = new Map<string, number[]>();
  for (const line of answerLines.split('\n')) {
    const [address, di, at] = line.split(' ');
    if (!at) continue;
    const key = `${address} ${di}`;
    const times = answers.get(key);
    if (times) times.push(Number(at));
    else answers.set(key, [Number(at)]);
  }
  const out: number[] = [];
  for (const { key, at } of arrivals) {
    const times = answers.get(key);
    if (!times) continue;
    let best: number | undefined;
    for (const t of times) if (t <= at && (best === undefined || t > best)) best = t;
    if (best !== undefined) out.push(at - best);
  }
  return out.sort((a, b) => a - b);
}

export async function bench(
  sizes = (process.env.WATTWIRE_FLEET_SIZES ?? '1000,5000,10000').split(',').map(Number),
): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  const layout = await buildImageLayout();
  try {
    for (const n of sizes) out.push(await fleetRun(layout.dir, n));
  } finally {
    layout.remove();
  }
  return [...out, ...marginalCosts(out)];
}

/**
 * What one more meter costs, between two sizes of the same run: unlike "beyond idle", free of
 * what the first meters fill once (the value history's 1,000 series, buffers, code warmed up).
 */
function marginalCosts(runs: Record<string, unknown>[]): Record<string, unknown>[] {
  const sized = runs
    .map((r) => ({
      meters: Number(r.meters),
      rss: Number(r.rss_load_mb),
      cpu: Number(r.cpu_pct),
      kept: Number(r.readings_per_s_sustained) >= 0.99 * Number(r.readings_per_s_demanded),
    }))
    .sort((a, b) => a.meters - b.meters);
  const out: Record<string, unknown>[] = [];
  for (let i = 1; i < sized.length; i++) {
    const [a, b] = [sized[i - 1], sized[i]];
    if (!a || !b || b.meters === a.meters) continue;
    out.push({
      figure: `dlt645_fleet_marginal_${a.meters}_${b.meters}`,
      rss_kb_per_meter: Math.round(((b.rss - a.rss) * 1024) / (b.meters - a.meters)),
      cpu_pct_per_1000_meters: Number((((b.cpu - a.cpu) / (b.meters - a.meters)) * 1000).toFixed(2)),
      // Behind at the larger size, RSS also holds the backlog: not a per-meter cost.
      both_kept_up: a.kept && b.kept,
    });
  }
  return out;
}
