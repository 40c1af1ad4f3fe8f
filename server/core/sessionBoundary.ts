/**
 * A fault boundary around one device session (or one link with several devices): a throw
 * inside its event handlers, timer callbacks or polls marks its devices `fault`, is logged
 * once with their names and the stack, and the session is restarted with backoff, while
 * every other session goes on. Exceptions that escape every boundary end the process
 * (server/fatal.ts), so a bug here is never hidden.
 */
import { Backoff, type BackoffOptions } from './backoff.ts';
import type { Hub } from './hub.ts';
import type { Logger } from './logger.ts';

export interface SessionBoundaryOptions {
  hub: Hub;
  log: Logger;
  /** What the log line calls the session, e.g. `DL/T 645 meter 000000000001` or `DL/T 645 RS-485 bus /dev/ttyUSB0`. */
  describe(): string;
  /** The hub ids of the devices this session covers now. */
  devices(): string[];
  /** Stop what is left of the session at once (timers, sockets, polls). */
  halt(): void | Promise<void>;
  /** Start the session again; a throw here counts as another fault. */
  restart(): void | Promise<void>;
  backoff?: BackoffOptions;
  /** A session that ran this long without a fault starts again from the first delay. */
  stableMs?: number;
  random?: () => number;
}

/** The log field that marks a session's fault, for the chaos run and the soak to find. */
export const SESSION_FAULT_FIELD = 'sessionFault';

/** Errors the JavaScript engine raises for a defect; a driver's expected failures are its own Error subclasses. */
const DEFECTS = [TypeError, ReferenceError, RangeError, SyntaxError, EvalError, URIError];

/** A poll that failed this way hit a bug, not an unreachable device. */
export function isDefect(err: unknown): boolean {
  return !(err instanceof Error) || DEFECTS.some((type) => err.constructor === type);
}

function describeError(err: unknown): { message: string; stack: string } {
  if (err instanceof Error) return { message: err.message, stack: err.stack ?? err.message };
  return { message: String(err), stack: String(err) };
}

export class SessionBoundary {
  private readonly backoff: Backoff;
  private readonly stableMs: number;
  private timer: NodeJS.Timeout | undefined;
  private faulted = false;
  private disposed = false;
  private lastRestartAt = Number.NEGATIVE_INFINITY;
  /** Faults caught in all, including the ones while a restart was already pending. */
  faults = 0;
  lastReason: string | undefined;

  constructor(private readonly opts: SessionBoundaryOptions) {
    this.backoff = new Backoff({ initialMs: 1000, maxMs: 300_000, ...opts.backoff }, opts.random);
    this.stableMs = opts.stableMs ?? 600_000;
  }

  /** A restart is pending: the session is down because of a fault. */
  get isFaulted(): boolean {
    return this.faulted;
  }

  /** An event handler or timer callback that cannot throw out of the session. */
  guard<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void {
    return (...args: A) => {
      try {
        fn(...args);
      } catch (err) {
        this.fault(err);
      }
    };
  }

  /** A promise chain of the session whose rejection is a fault, not an unhandled rejection. */
  run(task: () => Promise<unknown>): void {
    let pending: Promise<unknown>;
    try {
      pending = task();
    } catch (err) {
      this.fault(err);
      return;
    }
    pending.catch((err: unknown) => this.fault(err));
  }

  /**
   * A poll task for a PollLoop: an expected failure (timeout, closed link) still rejects so
   * the loop backs off; a defect is a fault instead.
   */
  poll(task: () => Promise<void>): () => Promise<void> {
    return async () => {
      try {
        await task();
      } catch (err) {
        if (!isDefect(err)) throw err;
        this.fault(err);
      }
    };
  }

  /** Take the session down and restart it after the backoff; repeated faults while down only count. */
  fault(err: unknown): void {
    this.faults++;
    if (this.faulted || this.disposed) return;
    this.faulted = true;
    if (Date.now() - this.lastRestartAt >= this.stableMs) this.backoff.reset();
    const delayMs = this.backoff.next();
    const { message, stack } = describeError(err);
    const reason = `internal error: ${message}`;
    this.lastReason = reason;
    const ids = this.opts.devices();
    const markFault = () => {
      for (const id of ids) this.opts.hub.setStatus(id, 'fault', reason);
    };
    markFault();
    const names = ids.map((id) => this.opts.hub.get(id)?.info.name ?? id);
    this.opts.log.error(
      { [SESSION_FAULT_FIELD]: true, devices: ids, restartInMs: delayMs, stack },
      `${this.opts.describe()}${names.length > 0 ? ` (${names.join(', ')})` : ''}: ${reason}; restarting in ${Math.max(1, Math.round(delayMs / 1000))} s`,
    );
    // A session's own stop may mark its devices offline; the fault is what they are.
    this.settle(
      () => this.opts.halt(),
      () => {
        if (this.faulted) markFault();
      },
    );
    this.timer = setTimeout(() => this.restart(), delayMs);
    this.timer.unref();
  }

  /** The session is stopping for good: no restart. */
  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private restart(): void {
    this.timer = undefined;
    if (this.disposed) return;
    this.faulted = false;
    this.lastRestartAt = Date.now();
    this.opts.log.info(`${this.opts.describe()}: restarting after an internal error`);
    this.settle(() => this.opts.restart());
  }

  /** Run a step of the session's own, whose throw or rejection counts as a fault; then `after`. */
  private settle(step: () => void | Promise<void>, after: () => void = () => undefined): void {
    try {
      const done = step();
      if (done) done.then(after, (err: unknown) => this.fault(err));
      else after();
    } catch (err) {
      this.fault(err);
    }
  }
}
