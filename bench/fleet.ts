/**
 * The DL/T 645 dial-in fleet: N simulated meters dial in to the bridge (a child process),
 * which polls them and publishes to a real Mosquitto. Figures per fleet size: reads per
 * second sustained, p50/p99 latency from the meter's answer to the MQTT message arriving
 * (the simulator answers on loopback as soon as the request arrives, so this is request to
 * publish), the bridge's RSS idle and under load, and its CPU per 1,000 meters.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import mqtt from 'mqtt';
import { freePort } from '../server/sim/freePort.ts';
import { startDlt645Sim } from '../server/sim/dlt645/tcpSim.ts';
import { Mosquitto } from '../test/support/mosquitto.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function procStat(pid: number): { cpuTicks: number; rssMb: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rss = /VmRSS:\s+(\d+) kB/.exec(status);
  return { cpuTicks: Number(stat[11]) + Number(stat[12]), rssMb: rss ? Number(rss[1]) / 1024 : 0 };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export async function fleetRun(meters: number, pollSeconds = 10, windowMs = 20_000): Promise<Record<string, unknown>> {
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
  const child = spawn(process.execPath, ['--max-old-space-size=4096', '--import', 'tsx', 'server/cli.ts', '--options', optionsFile], {
    env: { ...process.env, WATTWIRE_DATA_DIR: dir, WATTWIRE_HTTP_PORT: String(await freePort()), SUPERVISOR_TOKEN: '' },
    stdio: 'ignore',
  });
  const pid = child.pid as number;
  const answered = new Map<string, number>();
  const latencies: number[] = [];
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
    const sent = answered.get(`${body.meterId}:${body.register.id}`);
    if (sent !== undefined) latencies.push(now - sent);
  });
  await sleep(3000);
  const idle = procStat(pid);
  const sim = startDlt645Sim({
    port: listenPort,
    meters,
    firstAddress: 100000,
    heartbeatMs: 0,
    silentShare: 0.1,
    registrationShare: 0.3,
    // Every meter three-phase, so every register answers and the demand is exact.
    threePhaseShare: 1,
    seed: 9,
    onAnswer: (address, di, ms) => answered.set(`${address}:${di}`, ms),
  });
  const connectStart = Date.now();
  while (online.size < meters && Date.now() - connectStart < 120_000) await sleep(500);
  const connectMs = Date.now() - connectStart;
  await sleep(pollSeconds * 1000);
  latencies.length = 0;
  const before = procStat(pid);
  const brokerBefore = procStat(broker.pid as number);
  const simBefore = process.cpuUsage();
  const receivedBefore = received;
  const t0 = Date.now();
  await sleep(windowMs);
  const elapsed = (Date.now() - t0) / 1000;
  const after = procStat(pid);
  const brokerAfter = procStat(broker.pid as number);
  // The simulated meters and this bench's subscriber share one process: their CPU shows when the machine, not the bridge, is the limit.
  const simCpu = process.cpuUsage(simBefore);
  const reads = (received - receivedBefore) / elapsed;
  const sorted = latencies.sort((a, b) => a - b);
  const cpuPct = ((after.cpuTicks - before.cpuTicks) / 100 / elapsed) * 100;
  // Counted before the simulator stops: its meters hanging up turn them offline.
  const onlineAtEnd = online.size;
  await sim.stop();
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
    reads_per_s_demanded: Math.round((meters * READS_PER_POLL) / pollSeconds),
    reads_per_s_sustained: Math.round(reads),
    latency_p50_ms: percentile(sorted, 50),
    latency_p99_ms: percentile(sorted, 99),
    rss_idle_mb: Number(idle.rssMb.toFixed(1)),
    rss_load_mb: Number(after.rssMb.toFixed(1)),
    cpu_pct: Number(cpuPct.toFixed(1)),
    cpu_pct_per_1000_meters: Number(((cpuPct / meters) * 1000).toFixed(2)),
    broker_cpu_pct: Number((((brokerAfter.cpuTicks - brokerBefore.cpuTicks) / 100 / elapsed) * 100).toFixed(1)),
    simulator_cpu_pct: Number((((simCpu.user + simCpu.system) / 1e6 / elapsed) * 100).toFixed(1)),
    machine_cores: os.availableParallelism(),
    rss_mb_per_1000_meters: Number((((after.rssMb - idle.rssMb) / meters) * 1000).toFixed(1)),
  };
}

/** Registers polled per meter per cycle (the table's registers that are not on-demand). */
let READS_PER_POLL = 0;

export async function bench(
  sizes = (process.env.WATTWIRE_FLEET_SIZES ?? '1000,2000,5000,10000').split(',').map(Number),
): Promise<Record<string, unknown>[]> {
  const { DLT645_REGISTERS } = await import('../server/drivers/dlt645/registers.ts');
  READS_PER_POLL = DLT645_REGISTERS.filter((r) => !r.onDemand).length;
  const out: Record<string, unknown>[] = [];
  for (const n of sizes) out.push(await fleetRun(n));
  return out;
}
