/** A real Mosquitto broker on a free loopback port, for integration tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, waitFor, canConnect } from './ports.ts';

const BINARY = ['/usr/sbin/mosquitto', '/usr/bin/mosquitto'].find((p) => existsSync(p)) ?? 'mosquitto';

export class Mosquitto {
  private proc: ChildProcess | undefined;
  readonly url: string;

  private constructor(
    readonly port: number,
    private readonly confFile: string,
  ) {
    this.url = `mqtt://127.0.0.1:${port}`;
  }

  /** `extraConf`: more mosquitto.conf lines (e.g. `sys_interval 1` for a fresh `$SYS`). */
  static async start(port?: number, extraConf: string[] = []): Promise<Mosquitto> {
    const p = port ?? (await freePort());
    const dir = mkdtempSync(path.join(tmpdir(), 'mosq-'));
    const conf = path.join(dir, 'mosquitto.conf');
    const lines = [`listener ${p} 127.0.0.1`, 'allow_anonymous true', 'persistence false', 'log_dest none', ...extraConf];
    writeFileSync(conf, `${lines.join('\n')}\n`);
    const m = new Mosquitto(p, conf);
    await m.restart();
    return m;
  }

  /** The broker's process id while it runs (for CPU figures in the benches). */
  get pid(): number | undefined {
    return this.proc?.pid;
  }

  /** Start (again) on the same port. */
  async restart(): Promise<void> {
    await this.stop();
    this.proc = spawn(BINARY, ['-c', this.confFile], { stdio: 'ignore' });
    await waitFor(() => canConnect(this.port), { what: `mosquitto on ${this.port}` });
  }

  async stop(): Promise<void> {
    const proc = this.proc;
    this.proc = undefined;
    if (!proc || proc.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill('SIGKILL');
    });
  }
}
