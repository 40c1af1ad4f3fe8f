/**
 * Which meters that proved themselves on a connection become devices: auto_adopt, a cap on
 * meters in all (max_meters) and on new ones per minute (adopt_per_minute). The others wait
 * in a bounded pending list; an entry not seen for an hour is forgotten.
 */

export type HoldReason = 'auto_adopt_off' | 'max_meters' | 'adopt_per_minute';

export interface PendingEntry<C> {
  address: string;
  ip: string;
  registration?: string;
  since: number;
  lastSeen: number;
  reason: HoldReason;
  /** The connection it answered on, while that stays open. */
  conn: C | undefined;
}

export interface AdoptionOptions {
  autoAdopt: boolean;
  maxMeters: number;
  perMinute: number;
  /** Entries kept at most; further meters are not listed (and counted). */
  maxPending: number;
  expireMs: number;
  now?: () => number;
}

const MINUTE_MS = 60_000;

export class AdoptionGate<C> {
  private readonly pending = new Map<string, PendingEntry<C>>();
  /** When the last automatic adoptions happened, oldest first (at most perMinute). */
  private readonly recent: number[] = [];
  private readonly now: () => number;
  /** Meters not listed because the pending list was full. */
  overflow = 0;

  constructor(private readonly opts: AdoptionOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** Why a new (unlisted) meter may not be adopted now, given how many meters there are. */
  refusal(meters: number): HoldReason | undefined {
    if (!this.opts.autoAdopt) return 'auto_adopt_off';
    if (meters >= this.opts.maxMeters) return 'max_meters';
    const since = this.now() - MINUTE_MS;
    const firstRecent = this.recent.findIndex((at) => at > since);
    this.recent.splice(0, firstRecent === -1 ? this.recent.length : firstRecent);
    if (this.recent.length >= this.opts.perMinute) return 'adopt_per_minute';
    return undefined;
  }

  /** An automatic adoption took place (counts toward adopt_per_minute). */
  adopted(address: string): void {
    this.recent.push(this.now());
    this.pending.delete(address);
  }

  /** Listed meters and takeovers: no longer pending, no rate counted. */
  forget(address: string): void {
    this.pending.delete(address);
  }

  /** Keep `address` waiting; false when the list is full and it was not listed. */
  hold(address: string, ip: string, registration: string | undefined, reason: HoldReason, conn: C): boolean {
    const now = this.now();
    const entry = this.pending.get(address);
    if (entry) {
      Object.assign(entry, { ip, registration, reason, conn, lastSeen: now });
      return true;
    }
    this.expire();
    if (this.pending.size >= this.opts.maxPending) {
      this.overflow++;
      return false;
    }
    this.pending.set(address, { address, ip, registration, since: now, lastSeen: now, reason, conn });
    return true;
  }

  get(address: string): PendingEntry<C> | undefined {
    return this.pending.get(address);
  }

  /** The connection closed: its entries stay listed (until they expire) but cannot be adopted from it. */
  disconnected(conn: C): void {
    for (const entry of this.pending.values()) if (entry.conn === conn) entry.conn = undefined;
  }

  /** Entries that could be adopted now that they still have a connection, oldest first. */
  waiting(): PendingEntry<C>[] {
    this.expire();
    return [...this.pending.values()].filter((e) => e.conn !== undefined && e.reason !== 'auto_adopt_off');
  }

  entries(): PendingEntry<C>[] {
    this.expire();
    return [...this.pending.values()];
  }

  get size(): number {
    return this.pending.size;
  }

  private expire(): void {
    const before = this.now() - this.opts.expireMs;
    for (const [address, entry] of this.pending) if (entry.lastSeen < before) this.pending.delete(address);
  }
}
