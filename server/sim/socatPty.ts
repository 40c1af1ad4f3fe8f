/** A socat PTY pair, real serial device paths for the simulators, the demo and the tests: one end for the sim, one for the bridge. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface SocatPty {
  /** The end the bridge opens, like /dev/ttyUSB0. */
  bridgePath: string;
  simPath: string;
  /** Remove both ends, as an unplugged USB serial adapter would. */
  close(): Promise<void>;
  /** Create both ends again at the same paths, as the adapter plugged back in would. */
  reopen(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function spawnPair(bridgePath: string, simPath: string): Promise<ChildProcess> {
  const proc: ChildProcess = spawn('socat', [`pty,raw,echo=0,link=${bridgePath}`, `pty,raw,echo=0,link=${simPath}`], { stdio: 'ignore' });
  const failed = new Promise<never>((_, reject) => {
    proc.once('error', (err) => reject(new Error(`socat could not start (${err.message}); install socat or pass --path`)));
    proc.once('exit', (code) => reject(new Error(`socat exited with code ${code}`)));
  });
  const ready = (async () => {
    const deadline = Date.now() + 5000;
    while (!(existsSync(bridgePath) && existsSync(simPath))) {
      if (Date.now() > deadline) throw new Error('socat did not create the PTY pair within 5 s');
      await sleep(20);
    }
  })();
  await Promise.race([ready, failed]);
  failed.catch(() => undefined);
  return proc;
}

function stopPair(proc: ChildProcess): Promise<void> {
  return new Promise<void>((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
    proc.once('exit', () => resolve());
    proc.kill('SIGTERM');
  });
}

export async function openSocatPty(): Promise<SocatPty> {
  const dir = mkdtempSync(path.join(tmpdir(), 'socat-pty-'));
  const bridgePath = path.join(dir, 'xcom');
  const simPath = path.join(dir, 'sim');
  let proc: ChildProcess | undefined = await spawnPair(bridgePath, simPath);
  const close = async () => {
    const running = proc;
    proc = undefined;
    if (running) await stopPair(running);
    // socat removes its links on exit; wait for that, so the paths are gone as an unplugged
    // adapter's are and new links are not taken for the old.
    for (const deadline = Date.now() + 3000; (existsSync(bridgePath) || existsSync(simPath)) && Date.now() < deadline; ) await sleep(20);
  };
  return {
    bridgePath,
    simPath,
    close,
    async reopen() {
      await close();
      proc = await spawnPair(bridgePath, simPath);
    },
  };
}
