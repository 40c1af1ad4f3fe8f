/**
 * The last 24 hours of every numeric value, one bucket (min, max, last) per minute, so the
 * panel can draw a day of history however often it is reopened. Memory is bounded by
 * construction: a series is a fixed ring of HISTORY_MINUTES slots, and there are at most
 * MAX_SERIES series (about 17 kB each, so at most about 17 MB); values of further
 * registers are not kept, and a removed device's series are dropped.
 */
import type { Hub, DeviceRecord, PublishedReading } from './hub.ts';

export const HISTORY_MINUTES = 1440;
export const MAX_SERIES = 1000;
const MINUTE_MS = 60_000;

/** A series as columns: `t` is each minute's start (epoch ms), oldest first. */
export interface HistorySeries {
  t: number[];
  min: number[];
  max: number[];
  last: number[];
}

/** Beyond this distance from a series' base its deltas would lose precision in 32 bits: the base moves. */
const REBASE_BEYOND = 65_536;

/**
 * One register's ring: slot `m % HISTORY_MINUTES` holds minute `m` for the minutes up to
 * `newest`, NaN in `last` marking an empty one. Buckets are 32-bit deltas from the series'
 * first value (12 bytes a minute instead of 28: 17 kB a day instead of 40 kB); within
 * REBASE_BEYOND of the base that keeps about seven significant digits of what moved.
 */
class MinuteRing {
  private readonly min = new Float32Array(HISTORY_MINUTES);
  private readonly max = new Float32Array(HISTORY_MINUTES);
  private readonly last = new Float32Array(HISTORY_MINUTES).fill(Number.NaN);
  private newest = Number.NEGATIVE_INFINITY;

  constructor(private base: number) {}

  add(minute: number, value: number): void {
    if (minute <= this.newest - HISTORY_MINUTES) return;
    if (minute > this.newest) this.advanceTo(minute);
    if (Math.abs(value - this.base) > Math.max(REBASE_BEYOND, Math.abs(this.base))) this.rebase(value);
    const slot = minute % HISTORY_MINUTES;
    const delta = value - this.base;
    if (Number.isNaN(this.last[slot])) {
      this.min[slot] = delta;
      this.max[slot] = delta;
    } else {
      // `as number`: slot is below HISTORY_MINUTES, inside the column; a guard here costs every add.
      if (delta < (this.min[slot] as number)) this.min[slot] = delta;
      if (delta > (this.max[slot] as number)) this.max[slot] = delta;
    }
    this.last[slot] = delta;
  }

  /** The buckets of the HISTORY_MINUTES minutes up to and including `nowMinute`. */
  read(nowMinute: number): HistorySeries {
    const out: HistorySeries = { t: [], min: [], max: [], last: [] };
    const from = Math.max(nowMinute - HISTORY_MINUTES + 1, this.newest - HISTORY_MINUTES + 1);
    for (let m = from; m <= Math.min(nowMinute, this.newest); m++) {
      const slot = m % HISTORY_MINUTES;
      if (Number.isNaN(this.last[slot])) continue;
      out.t.push(m * MINUTE_MS);
      // `as number`: slot is below HISTORY_MINUTES, inside the columns.
      out.min.push(this.value(this.min[slot] as number));
      out.max.push(this.value(this.max[slot] as number));
      out.last.push(this.value(this.last[slot] as number));
    }
    return out;
  }

  /** Minutes between the newest bucket and `minute` had no value: their slots are emptied. */
  private advanceTo(minute: number): void {
    const from = Math.max(this.newest + 1, minute - HISTORY_MINUTES + 1);
    for (let m = from; m <= minute; m++) this.last[m % HISTORY_MINUTES] = Number.NaN;
    this.newest = minute;
  }

  private rebase(base: number): void {
    const shift = this.base - base;
    for (let i = 0; i < HISTORY_MINUTES; i++) {
      if (Number.isNaN(this.last[i])) continue;
      // `as number`: i is below HISTORY_MINUTES, inside the columns.
      this.min[i] = (this.min[i] as number) + shift;
      this.max[i] = (this.max[i] as number) + shift;
      this.last[i] = (this.last[i] as number) + shift;
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
  private readonly series = new Map<string, MinuteRing>();
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
      ring = new MinuteRing(value);
      this.series.set(id, ring);
    }
    ring.add(Math.floor(ts / MINUTE_MS), value);
  }

  /** The last 24 hours of a value (empty when none was seen). */
  read(deviceId: string, key: string): HistorySeries {
    const ring = this.series.get(seriesId(deviceId, key));
    if (!ring) return { t: [], min: [], max: [], last: [] };
    return ring.read(Math.floor(this.now() / MINUTE_MS));
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

  /** Put saved buckets back (min, max and last of each minute, as they were). */
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
