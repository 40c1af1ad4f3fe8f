/**
 * When to try a serial port again after it failed. A missing device path (a USB adapter
 * unplugged) costs nothing to check, so it is looked for every second and the port is
 * reopened the moment it is back; any other failure waits an exponential backoff, which
 * would otherwise have grown to many seconds over a long unplug.
 */
import { existsSync } from 'node:fs';
import { Backoff, type BackoffOptions } from './backoff.ts';

export const PORT_CHECK_MS = 1000;

export type ReopenPlan = { kind: 'port-gone'; firstNotice: boolean } | { kind: 'backoff'; delayMs: number };

export class SerialReopen {
  private timer: NodeJS.Timeout | undefined;
  private readonly backoff: Backoff;
  private gone = false;

  constructor(
    readonly path: string,
    backoff: BackoffOptions,
    private readonly checkMs = PORT_CHECK_MS,
  ) {
    this.backoff = new Backoff(backoff);
  }

  /** True from a failure with the path missing until the port opens again. */
  get portGone(): boolean {
    return this.gone;
  }

  /** A retry is planned and has not run yet. */
  get pending(): boolean {
    return this.timer !== undefined;
  }

  missing(): boolean {
    return !existsSync(this.path);
  }

  /** Plans one call of `reopen`; `firstNotice` lets the caller log a vanished port once per outage. */
  schedule(reopen: () => void): ReopenPlan {
    this.cancel();
    if (this.missing()) {
      const firstNotice = !this.gone;
      this.gone = true;
      this.watch(reopen);
      return { kind: 'port-gone', firstNotice };
    }
    const delayMs = this.backoff.next();
    this.arm(delayMs, reopen);
    return { kind: 'backoff', delayMs };
  }

  /** The port is open: the next failure starts from the shortest delay again. */
  opened(): void {
    this.backoff.reset();
    this.gone = false;
  }

  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private watch(reopen: () => void): void {
    this.arm(this.checkMs, () => (this.missing() ? this.watch(reopen) : reopen()));
  }

  private arm(delayMs: number, then: () => void): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      then();
    }, delayMs);
    this.timer.unref();
  }
}
