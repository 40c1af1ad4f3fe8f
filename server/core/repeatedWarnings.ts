/**
 * Warnings that a flood can repeat (refused requests, garbage on a listener, a hostile
 * peer): the first one per source is logged at once, the rest of the minute are counted
 * and summed up in one line, so a flood can neither fill the add-on log nor push every
 * other line out of the in-memory ring the diagnostics bundle shows.
 */
import type { Logger } from './logger.ts';

export interface RepeatedWarningsOptions {
  intervalMs?: number;
  /** Sources tracked at once; beyond it the rest share one bucket, so memory stays bounded. */
  maxSources?: number;
}

interface Bucket {
  /** The message of the first warning held back, shown in the summary. */
  message: string;
  heldBack: number;
}

const OTHER_SOURCES = '(other sources)';

export class RepeatedWarnings {
  private readonly intervalMs: number;
  private readonly maxSources: number;
  private buckets = new Map<string, Bucket>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly log: Logger,
    opts: RepeatedWarningsOptions = {},
  ) {
    this.intervalMs = opts.intervalMs ?? 60_000;
    this.maxSources = opts.maxSources ?? 1000;
  }

  /** Log `message` unless `source` already warned in this interval; then only count it. */
  warn(source: string, message: string): void {
    let key = source;
    if (!this.buckets.has(key) && this.buckets.size >= this.maxSources) key = OTHER_SOURCES;
    const bucket = this.buckets.get(key);
    if (bucket) {
      if (bucket.heldBack === 0) bucket.message = message;
      bucket.heldBack++;
      return;
    }
    this.buckets.set(key, { message, heldBack: 0 });
    this.log.warn(key === OTHER_SOURCES ? `${message} (and from other sources)` : message);
    this.schedule();
  }

  /** Log the summaries now and forget every source (tests, stop). */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const buckets = this.buckets;
    this.buckets = new Map();
    const minutes = this.intervalMs / 60_000;
    const span = minutes === 1 ? 'the last minute' : `the last ${minutes} minutes`;
    for (const { message, heldBack } of buckets.values()) {
      if (heldBack > 0) this.log.warn(`${message} (repeated ${heldBack} more times in ${span})`);
    }
  }

  stop(): void {
    this.flush();
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => this.flush(), this.intervalMs);
    this.timer.unref();
  }
}
