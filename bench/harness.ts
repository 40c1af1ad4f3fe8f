/**
 * A whole installation on loopback for the chaos run and the soak: a real Mosquitto, every
 * demo simulator, and the bridge as a child process started from an options file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { optionsSchema, type Options } from '../server/options/schema.ts';
import { startDemoFleet } from '../server/sim/demoFleet.ts';
import type { DemoSim } from '../server/sim/demoSim.ts';
import { freePort } from '../server/sim/freePort.ts';
import { Mosquitto } from '../test/support/mosquitto.ts';
import { type BridgeWatch, watchBridge } from './bridgeWatch.ts';
import { productionNodeFlags } from './nodeFlags.ts';

export interface Harness {
  broker: Mosquitto;
  sims: DemoSim[];
  options: Options;
  httpPort: number;
  child: ChildProcess;
  startErrors: string[];
  /** The bridge's exit, fatal lines and session faults. */
  watch: BridgeWatch;
  exitCode(): number | null;
  output(): string;
  rssMb(): number;
  stop(): Promise<void>;
}

/** Where the bridge runs from: the source tree through tsx (default) or an image layout (bench/imageLayout.ts). */
export interface BridgeLayout {
  cwd: string;
  /** The Node arguments before the flags: `['--import', 'tsx', 'server/cli.ts']` or `['server/cli.js', 'start']`. */
  entry: string[];
}

const SOURCE_TREE: BridgeLayout = { cwd: process.cwd(), entry: ['--import', 'tsx', 'server/cli.ts'] };

export async function startHarness(adjust: (o: Options) => void = () => undefined, layout: BridgeLayout = SOURCE_TREE): Promise<Harness> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'ww-harness-'));
  // Simulators that share files with the bridge (certificates) find them here.
  process.env.WATTWIRE_DATA_DIR = dataDir;
  const broker = await Mosquitto.start();
  const options: Options = optionsSchema.parse({
    log_level: 'warning',
    log_format: 'json',
    mqtt: { host: '127.0.0.1', port: broker.port },
  });
  const { sims, errors: startErrors } = await startDemoFleet(options);
  adjust(options);
  const optionsFile = path.join(dataDir, 'options.json');
  writeFileSync(optionsFile, JSON.stringify(options));
  const httpPort = await freePort();
  const child = spawn(process.execPath, [...productionNodeFlags(), ...layout.entry, '--options', optionsFile], {
    cwd: layout.cwd,
    env: { ...process.env, WATTWIRE_DATA_DIR: dataDir, WATTWIRE_HTTP_PORT: String(httpPort), SUPERVISOR_TOKEN: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const watch = watchBridge(child);
  return {
    broker,
    sims,
    options,
    httpPort,
    child,
    startErrors,
    watch,
    exitCode: () => watch.exitCode(),
    output: () => watch.output(),
    rssMb: () => {
      try {
        const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        return m ? Number(m[1]) / 1024 : 0;
      } catch {
        return 0;
      }
    },
    async stop() {
      if (watch.exitCode() === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
        if (watch.exitCode() === null) child.kill('SIGKILL');
      }
      await Promise.all(sims.map((s) => s.stop().catch(() => undefined)));
      await broker.stop();
    },
  };
}
