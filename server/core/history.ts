/**
 * The last 24 hours of every numeric value, one bucket (min, max, last) per minute, so the
 * panel can draw a day of history however often it is reopened. Memory is bounded by
 * construction: a series is a fixed ring of HISTORY_MINUTES slots, and there are at most
 * MAX_SERIES series (about 40 kB each, so at most about 40 MB); values of further
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

/** One register's ring: slot `m % HISTORY_MINUTES` holds minute `m` when `minute[slot] === m`. */
class MinuteRing {
  readonly minute = new Int32Array(HISTORY_MINUTES).fill(-1);
  readonly min = new Float64Array(HISTORY_MINUTES);
  readonly max = new Float64Array(HISTORY_MINUTES);
  readonly last = new Float64Array(HISTORY_MINUTES);

  add(minute: number, value: number): void {
    const slot = minute % HISTORY_MINUTES;
    if (this.minute[slot] !== minute) {
      this.minute[slot] = minute;
      this.min[slot] = value;
      this.max[slot] = value;
    } else {
      if (value < this.min[slot]) this.min[slot] = value;
      if (value > this.max[slot]) this.max[slot] = value;
    }
    this.last[slot] = value;
  }

  /** The buckets of the HISTORY_MINUTES minutes up to and including `nowMinute`. */
  read(nowMinute: number): HistorySeries {
    const out: HistorySeries = { t: [], min: [], max: [], last: [] };
    for (let m = nowMinute - HISTORY_MINUTES + 1; m <= nowMinute; m++) {
      const slot = ((m % HISTORY_MINUTES) + HISTORY_MINUTES) % HISTORY_MINUTES;
      if (this.minute[slot] !== m) continue;
      out.t.push(m * MINUTE_MS);
      out.min.push(this.min[slot]);
      out.max.push(this.max[slot]);
      out.last.push(this.last[slot]);
    }
    return out;
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
      ring = new MinuteRing();
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
      const [device, key] = id.split('\u0000');
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
