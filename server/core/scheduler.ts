/**
 * Runs a task every interval; after a failure it waits by the device's backoff instead,
 * so a dead device is not hammered and a recovered one is polled at its normal rate.
 */
import { Backoff, type BackoffOptions } from './backoff.ts';
import { Deadline, deadlines } from './deadlines.ts';

export interface PollLoopOptions {
  intervalMs: number;
  /** First run after this delay (stagger devices on one link). */
  initialDelayMs?: number;
  backoff?: BackoffOptions;
  onError?: (err: unknown, failures: number) => void;
}

export class PollLoop {
  /** When the next run starts, on the process's shared timer. */
  private readonly next = new Deadline(() => this.begin());
  private running = false;
  private stopped = true;
  /** The run under way, for `stop()` to wait for. */
  private current: Promise<void> | undefined;
  private readonly backoff: Backoff;
  lastRun = 0;
  lastDurationMs = 0;
  errors = 0;

  constructor(
    private readonly task: () => Promise<void>,
    private readonly opts: PollLoopOptions,
  ) {
    this.backoff = new Backoff({ initialMs: opts.intervalMs, maxMs: Math.max(opts.intervalMs * 16, 60_000), ...opts.backoff });
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(this.opts.initialDelayMs ?? 0);
  }

  /** No run starts after this; settles once the run under way (if any) has finished. */
  stop(): Promise<void> {
    this.stopped = true;
    deadlines.cancel(this.next);
    return this.current ?? Promise.resolve();
  }

  /** Run now (e.g. a device just connected) unless a run is under way. */
  trigger(): void {
    if (this.stopped || this.running) return;
    this.schedule(0);
  }

  get isRunning(): boolean {
    return !this.stopped;
  }

  private schedule(delay: number): void {
    deadlines.arm(this.next, delay);
  }

  private begin(): void {
    this.current = this.run().finally(() => {
      this.current = undefined;
    });
  }

  private async run(): Promise<void> {
    if (this.stopped) return;
    this.running = true;
    const started = Date.now();
    let delay = this.opts.intervalMs;
    try {
      await this.task();
      this.backoff.reset();
    } catch (err) {
      this.errors++;
      delay = this.backoff.next();
      this.opts.onError?.(err, this.backoff.failures);
    } finally {
      this.running = false;
      this.lastRun = started;
      this.lastDurationMs = Date.now() - started;
    }
    if (!this.stopped) this.schedule(delay);
  }
}
