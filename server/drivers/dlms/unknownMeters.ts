/**
 * System titles that push to the TCP listener without being configured. They are listed
 * (diagnostics and onboarding) so the user can add them, but a flood of made-up titles
 * must not grow memory or the log: at most `max_meters` entries, at most
 * `adopt_per_minute` new ones a minute, each forgotten after an hour unseen, and the
 * warning goes through RepeatedWarnings (one line at once, then one summary a minute).
 */
import type { Logger } from '../../core/logger.ts';
import { RepeatedWarnings } from '../../core/repeatedWarnings.ts';

export type PendingDlmsMeter = {
  /** 16 hexadecimal digits, upper case: the `system_title` of the dlms_meters item to add. */
  systemTitle: string;
  /** Source address of its latest telegram. */
  ip: string;
  /** First and latest telegram, ms since the epoch. */
  since: number;
  lastSeen: number;
  telegrams: number;
};

export interface UnknownMeterLimits {
  maxMeters: number;
  perMinute: number;
  /** An entry not seen for this long is dropped. */
  expireMs?: number;
}

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;
const WARNING_SOURCE = 'unknown DLMS system titles';

export class UnknownMeters {
  private readonly entries = new Map<string, PendingDlmsMeter>();
  private readonly warnings: RepeatedWarnings;
  private readonly expireMs: number;
  private windowStart = 0;
  private addedInWindow = 0;
  /** Telegrams from titles that found no room (list full or too many new ones this minute). */
  turnedAway = 0;

  constructor(
    log: Logger,
    private readonly limits: UnknownMeterLimits,
  ) {
    this.warnings = new RepeatedWarnings(log);
    this.expireMs = limits.expireMs ?? HOUR_MS;
  }

  seen(systemTitle: string, ip: string, now = Date.now()): void {
    this.expire(now);
    const known = this.entries.get(systemTitle);
    if (known) {
      known.lastSeen = now;
      known.ip = ip;
      known.telegrams++;
      return;
    }
    if (now - this.windowStart >= MINUTE_MS) {
      this.windowStart = now;
      this.addedInWindow = 0;
    }
    if (this.entries.size < this.limits.maxMeters && this.addedInWindow < this.limits.perMinute) {
      this.addedInWindow++;
      this.entries.set(systemTitle, { systemTitle, ip, since: now, lastSeen: now, telegrams: 1 });
    } else this.turnedAway++;
    this.warnings.warn(
      WARNING_SOURCE,
      `DLMS telegrams from ${this.entries.size} system title(s) that are not configured (latest ${systemTitle} from ${ip}` +
        `${this.turnedAway > 0 ? `; ${this.turnedAway} telegram(s) from further titles not listed` : ''}); add them to dlms_meters with their keys, or check the key of a meter without system_title`,
    );
  }

  has(systemTitle: string): boolean {
    return this.entries.has(systemTitle);
  }

  list(now = Date.now()): PendingDlmsMeter[] {
    this.expire(now);
    return [...this.entries.values()].map((e) => ({ ...e }));
  }

  stop(): void {
    this.warnings.stop();
  }

  private expire(now: number): void {
    for (const [title, e] of this.entries) if (now - e.lastSeen > this.expireMs) this.entries.delete(title);
  }
}
