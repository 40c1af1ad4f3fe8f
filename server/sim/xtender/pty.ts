/** A socat PTY pair for the standalone simulator and the demo: one end for the sim, one for the bridge. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface SocatPty {
  /** The end the bridge opens, like /dev/ttyUSB0. */
  bridgePath: string;
  simPath: string;
  close(): Promise<void>;
}

export async function openSocatPty(): Promise<SocatPty> {
  const dir = mkdtempSync(path.join(tmpdir(), 'xtender-sim-'));
  const bridgePath = path.join(dir, 'xcom');
  const simPath = path.join(dir, 'sim');
  const proc: ChildProcess = spawn('socat', [`pty,raw,echo=0,link=${bridgePath}`, `pty,raw,echo=0,link=${simPath}`], { stdio: 'ignore' });
  const failed = new Promise<never>((_, reject) => {
    proc.once('error', (err) => reject(new Error(`socat could not start (${err.message}); install socat or pass --path`)));
    proc.once('exit', (code) => reject(new Error(`socat exited with code ${code}`)));
  });
  const ready = (async () => {
    const deadline = Date.now() + 5000;
    while (!(existsSync(bridgePath) && existsSync(simPath))) {
      if (Date.now() > deadline) throw new Error('socat did not create the PTY pair within 5 s');
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  await Promise.race([ready, failed]);
  failed.catch(() => undefined);
  return {
    bridgePath,
    simPath,
    close: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
      }),
  };
}
