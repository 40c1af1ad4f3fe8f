/**
 * What the live stream has told us: devices, their availability and values, and the last
 * hour of every numeric value (kept here, client-side, for the sparklines).
 */
import type { Point } from './sparkline.ts';
import type { BrokerView, DeviceEventView, DeviceView, Value } from './types.ts';

export const HISTORY_MS = 60 * 60 * 1000;
const MAX_POINTS = 720;
const MAX_EVENTS = 50;

export class LiveState {
  devices = new Map<string, DeviceView>();
  history = new Map<string, Point[]>();
  events: DeviceEventView[] = [];
  broker: Partial<BrokerView> | undefined;
  /** Bumped on every change, so views can tell cheaply that something moved. */
  version = 0;

  /** Apply one stream event; returns false for events it does not know. */
  apply(event: string, data: unknown, now: number = Date.now()): boolean {
    switch (event) {
      case 'snapshot':
        this.devices = new Map((data as DeviceView[]).map((d) => [d.id, d]));
        for (const d of this.devices.values())
          for (const [key, v] of Object.entries(d.state)) this.remember(d.id, key, d.updated[key] ?? now, v, now);
        break;
      case 'device': {
        const d = data as DeviceView;
        this.devices.set(d.id, d);
        break;
      }
      case 'removed':
        this.devices.delete((data as { id: string }).id);
        break;
      case 'readings': {
        const { id, ts, values } = data as { id: string; ts: number; values: Record<string, Value> };
        const d = this.devices.get(id);
        if (!d) return true;
        const state = { ...d.state };
        const updated = { ...d.updated };
        for (const [key, v] of Object.entries(values)) {
          state[key] = v;
          updated[key] = ts;
          this.remember(id, key, ts, v, now);
        }
        this.devices.set(id, { ...d, state, updated });
        break;
      }
      case 'status': {
        const s = data as Pick<DeviceView, 'id' | 'availability' | 'reason' | 'since'>;
        const d = this.devices.get(s.id);
        if (d) this.devices.set(s.id, { ...d, availability: s.availability, reason: s.reason, since: s.since });
        break;
      }
      case 'diagnostics': {
        const { id, diagnostics } = data as { id: string; diagnostics: Record<string, unknown> };
        const d = this.devices.get(id);
        if (d) this.devices.set(id, { ...d, diagnostics });
        break;
      }
      case 'event':
        this.events = [data as DeviceEventView, ...this.events].slice(0, MAX_EVENTS);
        break;
      case 'broker':
        this.broker = data as Partial<BrokerView>;
        break;
      default:
        return false;
    }
    this.version++;
    return true;
  }

  series(id: string, key: string): Point[] {
    return this.history.get(`${id}\u0000${key}`) ?? [];
  }

  private remember(id: string, key: string, ts: number, value: Value, now: number): void {
    if (typeof value !== 'number' || !Number.isFinite(value)) return;
    const k = `${id}\u0000${key}`;
    const points = this.history.get(k) ?? [];
    const last = points[points.length - 1];
    if (last && last[0] === ts) return;
    points.push([ts, value]);
    const cutoff = now - HISTORY_MS;
    let drop = 0;
    while (drop < points.length && points[drop]![0] < cutoff) drop++;
    if (points.length - drop > MAX_POINTS) drop = points.length - MAX_POINTS;
    if (drop > 0) points.splice(0, drop);
    this.history.set(k, points);
  }
}
