/**
 * Idle footprint in the add-on image's layout (compiled server, production dependencies, the
 * add-on's Node flags): with no device configured, and with one simulated device of every
 * kind (the simulators run in this process, apart from the bridge). Then what each package
 * the bridge may load costs on its own, so that the figures say where the memory goes.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Mosquitto } from '../test/support/mosquitto.ts';
import { freePort } from '../server/sim/freePort.ts';
import { startHarness } from './harness.ts';
import { buildImageLayout } from './imageLayout.ts';
import { productionNodeFlags } from './nodeFlags.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(stat[11]) + Number(stat[12]);
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
}

/** After a 10 s settle, RSS each second for `seconds`, and the CPU share over them. */
async function sample(pid: number, seconds: number): Promise<Record<string, number>> {
  await sleep(10_000);
  const t0 = cpuTicks(pid);
  const rss: number[] = [];
  for (let i = 0; i < seconds; i++) {
    await sleep(1000);
    rss.push(rssMb(pid));
  }
  return {
    seconds,
    rss_mb_mean: Number((rss.reduce((a, b) => a + b, 0) / rss.length).toFixed(1)),
    rss_mb_max: Number(Math.max(...rss).toFixed(1)),
    cpu_pct: Number((((cpuTicks(pid) - t0) / 100 / seconds) * 100).toFixed(2)),
  };
}

async function noDevice(dir: string, seconds: number): Promise<Record<string, unknown>> {
  const broker = await Mosquitto.start();
  const data = mkdtempSync(path.join(tmpdir(), 'ww-idle-'));
  const optionsFile = path.join(data, 'options.json');
  // No device; the DL/T 645 listener is on by default, so its driver is loaded.
  writeFileSync(optionsFile, JSON.stringify({ log_level: 'warning', mqtt: { host: '127.0.0.1', port: broker.port } }));
  const child = spawn(process.execPath, [...productionNodeFlags(), 'server/cli.js', 'start', '--options', optionsFile], {
    cwd: dir,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      WATTWIRE_DATA_DIR: data,
      WATTWIRE_HTTP_PORT: String(await freePort()),
      SUPERVISOR_TOKEN: '',
    },
    stdio: 'ignore',
  });
  try {
    return { figure: 'idle_footprint_no_device', layout: 'image', ...(await sample(child.pid as number, seconds)) };
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
    await broker.stop();
  }
}

async function everyKind(dir: string, seconds: number): Promise<Record<string, unknown>> {
  const h = await startHarness(undefined, { cwd: dir, entry: ['server/cli.js', 'start'] });
  try {
    return {
      figure: 'idle_footprint_one_device_each_kind',
      layout: 'image',
      kinds: h.sims.map((s) => s.kind),
      ...(await sample(h.child.pid as number, seconds)),
      ...(h.startErrors.length ? { not_started: h.startErrors } : {}),
    };
  } finally {
    await h.stop();
  }
}

/** Packages the bridge may load, each measured alone in a fresh Node (RSS and heap after a full GC). */
const PACKAGES = [
  'zod',
  'pino',
  'mqtt',
  'fastify',
  '@fastify/static',
  'yaml',
  'aedes',
  'ws',
  'serialport',
  'bonjour-service',
  '@peculiar/x509',
  'cheerio/slim',
  'fast-xml-parser',
];

const MEASURE = `
const gcNow = () => { globalThis.gc(); globalThis.gc(); return process.memoryUsage(); };
const a = gcNow();
if (process.argv[1] === '@peculiar/x509') await import('reflect-metadata');
await import(process.argv[1]);
await new Promise((r) => setTimeout(r, 200));
const b = gcNow();
console.log(JSON.stringify({ rss: b.rss - a.rss, heap: b.heapUsed - a.heapUsed }));
`;

function packageCosts(dir: string): Record<string, unknown> {
  const costs: Record<string, unknown> = {};
  const empty = JSON.parse(
    execFileSync(
      process.execPath,
      ['--expose-gc', '--input-type=module', '-e', MEASURE.replace('await import(process.argv[1]);', ''), 'none'],
      {
        cwd: dir,
      },
    ).toString(),
  ) as { rss: number };
  for (const name of PACKAGES) {
    const out = execFileSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', MEASURE, name], { cwd: dir }).toString();
    const { rss, heap } = JSON.parse(out) as { rss: number; heap: number };
    costs[name] = { rss_mb: Number(((rss - empty.rss) / 1048576).toFixed(1)), heap_mb: Number((heap / 1048576).toFixed(1)) };
  }
  return { figure: 'package_import_cost', note: 'each alone in a fresh Node; RSS includes code shared with other packages', ...costs };
}

export async function bench(seconds = Number(process.env.WATTWIRE_IDLE_SECONDS ?? 30)): Promise<Record<string, unknown>[]> {
  const layout = await buildImageLayout();
  try {
    return [await noDevice(layout.dir, seconds), await everyKind(layout.dir, seconds), packageCosts(layout.dir)];
  } finally {
    layout.remove();
  }
}
