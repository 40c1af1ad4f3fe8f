/**
 * The last 24 hours of every numeric value, one bucket (min, max, last) per five minutes (as
 * Home Assistant's own statistics), so the panel can draw a day of history however often it
 * is reopened. Memory is bounded by construction: a series is a fixed ring of HISTORY_BUCKETS
 * slots, and there are at most MAX_SERIES series (about 3.5 kB each, so at most about 3.5 MB);
 * values of further registers are not kept, and a removed device's series are dropped.
 */
import type { Hub, DeviceRecord, PublishedReading } from './hub.ts';

export const BUCKET_MS = 5 * 60_000;
export const HISTORY_BUCKETS = (24 * 60 * 60_000) / BUCKET_MS;
export const MAX_SERIES = 1000;

/** A series as columns: `t` is each bucket's start (epoch ms), oldest first. */
export interface HistorySeries {
  t: number[];
  min: number[];
  max: number[];
  last: number[];
}

/** Beyond this distance from a series' base its deltas would lose precision in 32 bits: the base moves. */
const REBASE_BEYOND = 65_536;

const MIN = 0;
const MAX = HISTORY_BUCKETS;
const LAST = 2 * HISTORY_BUCKETS;

/**
 * One register's ring: slot `b % HISTORY_BUCKETS` holds bucket `b` for the buckets up to
 * `newest`, NaN in `last` marking an empty one. The min, max and last columns share one
 * array (one allocation a series). Buckets are 32-bit deltas from the series' first value
 * (12 bytes a bucket instead of 28); within REBASE_BEYOND of the base that keeps about seven
 * significant digits of what moved.
 */
class BucketRing {
  private readonly cells = new Float32Array(3 * HISTORY_BUCKETS).fill(Number.NaN, LAST);
  private newest = Number.NEGATIVE_INFINITY;

  constructor(private base: number) {}

  add(bucket: number, value: number): void {
    if (bucket <= this.newest - HISTORY_BUCKETS) return;
    if (bucket > this.newest) this.advanceTo(bucket);
    if (Math.abs(value - this.base) > Math.max(REBASE_BEYOND, Math.abs(this.base))) this.rebase(value);
    const slot = bucket % HISTORY_BUCKETS;
    const delta = value - this.base;
    const c = this.cells;
    if (Number.isNaN(c[LAST + slot])) {
      c[MIN + slot] = delta;
      c[MAX + slot] = delta;
    } else {
      // `as number`: slot is below HISTORY_BUCKETS, inside the column; a guard here costs every add.
      if (delta < (c[MIN + slot] as number)) c[MIN + slot] = delta;
      if (delta > (c[MAX + slot] as number)) c[MAX + slot] = delta;
    }
    c[LAST + slot] = delta;
  }

  /** The buckets of the day up to and including `nowBucket`. */
  read(nowBucket: number): HistorySeries {
    const out: HistorySeries = { t: [], min: [], max: [], last: [] };
    const c = this.cells;
    const from = Math.max(nowBucket - HISTORY_BUCKETS + 1, this.newest - HISTORY_BUCKETS + 1);
    for (let b = from; b <= Math.min(nowBucket, this.newest); b++) {
      const slot = b % HISTORY_BUCKETS;
      if (Number.isNaN(c[LAST + slot])) continue;
      out.t.push(b * BUCKET_MS);
      // `as number`: slot is below HISTORY_BUCKETS, inside the columns.
      out.min.push(this.value(c[MIN + slot] as number));
      out.max.push(this.value(c[MAX + slot] as number));
      out.last.push(this.value(c[LAST + slot] as number));
    }
    return out;
  }

  /** Buckets between the newest and `bucket` had no value: their slots are emptied. */
  private advanceTo(bucket: number): void {
    const from = Math.max(this.newest + 1, bucket - HISTORY_BUCKETS + 1);
    for (let b = from; b <= bucket; b++) this.cells[LAST + (b % HISTORY_BUCKETS)] = Number.NaN;
    this.newest = bucket;
  }

  private rebase(base: number): void {
    const shift = this.base - base;
    const c = this.cells;
    for (let i = 0; i < HISTORY_BUCKETS; i++) {
      if (Number.isNaN(c[LAST + i])) continue;
      // `as number`: i is below HISTORY_BUCKETS, inside the columns.
      c[MIN + i] = (c[MIN + i] as number) + shift;
      c[MAX + i] = (c[MAX + i] as number) + shift;
      c[LAST + i] = (c[LAST + i] as number) + shift;
    }
    this.base = base;
  }

  /** Base plus delta, rounded to the six significant digits of the delta that 32 bits hold. */
  private value(delta: number): number {
    if (delta === 0) return this.base;
    const decimals = Math.min(12, Math.max(0, 6 - Math.floor(Math.log10(Math.abs(delta)))));
    // `+ 0` turns the -0 that rounding a small negative gives into 0.
    return Number((this.base + delta).toFixed(decimals)) + 0;
  }
}

export class HistoryStore {
  private readonly series = new Map<string, BucketRing>();
  /** Values not kept because MAX_SERIES series exist already. */
  refused = 0;

  constructor(
    private readonly now: () => number = Date.now,
    readonly maxSeries = MAX_SERIES,
    /** Told about each value not kept because the store is full. */
    private readonly onRefused: (deviceId: string, key: string) => void = () => undefined,
  ) {}

  get size(): number {
    return this.series.size;
  }

  /** Keep a numeric value seen at `ts`; other values have no chart. */
  add(deviceId: string, key: string, value: unknown, ts: number = this.now()): void {
    if (typeof value !== 'number' || !Number.isFinite(value)) return;
    const id = seriesId(deviceId, key);
    let ring = this.series.get(id);
    if (!ring) {
      if (this.series.size >= this.maxSeries) {
        this.refused++;
        this.onRefused(deviceId, key);
        return;
      }
      ring = new BucketRing(value);
      this.series.set(id, ring);
    }
    ring.add(Math.floor(ts / BUCKET_MS), value);
  }

  /** The last 24 hours of a value (empty when none was seen). */
  read(deviceId: string, key: string): HistorySeries {
    const ring = this.series.get(seriesId(deviceId, key));
    if (!ring) return { t: [], min: [], max: [], last: [] };
    return ring.read(Math.floor(this.now() / BUCKET_MS));
  }

  forgetDevice(deviceId: string): void {
    const prefix = seriesId(deviceId, '');
    for (const id of this.series.keys()) if (id.startsWith(prefix)) this.series.delete(id);
  }

  /** Every series, for saving to the data directory. */
  entries(): { device: string; key: string; series: HistorySeries }[] {
    return [...this.series.keys()].map((id) => {
      // The device id holds no NUL (seriesId's separator); the key after it may.
      const cut = id.indexOf('\u0000');
      const device = id.slice(0, cut);
      const key = id.slice(cut + 1);
      return { device, key, series: this.read(device, key) };
    });
  }

  /** Keep the readings the hub accepts, and forget removed devices; returns the unsubscribe. */
  attach(hub: Hub): () => void {
    const onReadings = (rec: DeviceRecord, readings: PublishedReading[], ts: number) => {
      for (const r of readings) this.add(rec.info.id, r.register.key, r.value, ts);
    };
    const onRemoved = (rec: DeviceRecord) => this.forgetDevice(rec.info.id);
    hub.on('readings', onReadings);
    hub.on('device-removed', onRemoved);
    return () => {
      hub.off('readings', onReadings);
      hub.off('device-removed', onRemoved);
    };
  }

  /** Put saved buckets back (min, max and last of each, as they were; a file's minute buckets merge into five-minute ones). */
  restore(deviceId: string, key: string, saved: HistorySeries): void {
    for (let i = 0; i < saved.t.length; i++) {
      const ts = saved.t[i];
      this.add(deviceId, key, saved.min[i], ts);
      this.add(deviceId, key, saved.max[i], ts);
      this.add(deviceId, key, saved.last[i], ts);
    }
  }
}

/** Device ids and register keys hold no NUL, so the pair is unambiguous. */
function seriesId(deviceId: string, key: string): string {
  return `${deviceId}\u0000${key}`;
}
