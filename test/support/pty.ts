/** A pair of connected pseudo-terminals made by socat: real serial device paths for tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { waitFor } from './ports.ts';

export class PtyPair {
  private proc: ChildProcess | undefined;

  private constructor(readonly a: string, readonly b: string) {}

  /** `a` and `b` are symlinks to the two PTYs; bytes written to one come out of the other. */
  static async open(): Promise<PtyPair> {
    const dir = mkdtempSync(path.join(tmpdir(), 'pty-'));
    const pair = new PtyPair(path.join(dir, 'a'), path.join(dir, 'b'));
    await pair.reopen();
    return pair;
  }

  /** (Re)create both ends at the same paths, as a re-plugged adapter would appear. */
  async reopen(): Promise<void> {
    await this.close();
    this.proc = spawn('socat', [`pty,raw,echo=0,link=${this.a}`, `pty,raw,echo=0,link=${this.b}`], { stdio: 'ignore' });
    await waitFor(() => existsSync(this.a) && existsSync(this.b), { what: 'socat PTY pair' });
  }

  /** Remove both ends, as an unplugged adapter would. */
  async close(): Promise<void> {
    const proc = this.proc;
    this.proc = undefined;
    if (!proc || proc.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill('SIGTERM');
    });
    await waitFor(() => !existsSync(this.a), { what: 'PTY removal', timeoutMs: 3000 }).catch(() => undefined);
  }
}
