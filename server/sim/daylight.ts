/**
 * The simulated sun: a clock (real, fixed or accelerated) and what the inverter does at
 * each hour. Day 06–20 feeding (sine-shaped power); 05–06 idle (`Leerlauf`, daily energy
 * reset); 20–22 off with `x x x` pages; 22–05 either off pages or the web server gone
 * (connection refused), as the simulated model behaves.
 */
export type SunPhase = 'feeding' | 'idle' | 'off' | 'unpowered';
export type NightMode = 'placeholders' | 'refused';

export interface ClockOptions {
  /** Fixed hour of day (0–24), e.g. for tests. */
  hour?: number;
  /** A whole day in this many real seconds, starting at `startHour`. */
  daySeconds?: number;
  startHour?: number;
}

export class SimClock {
  private fixed: number | undefined;
  private startedAt = Date.now();
  private startHour: number;

  constructor(private readonly opts: ClockOptions = {}) {
    this.fixed = opts.hour;
    this.startHour = opts.startHour ?? 12;
  }

  setHour(hour: number): void {
    this.fixed = ((hour % 24) + 24) % 24;
  }

  /** Let a set clock run again: an accelerated day goes on from the set hour, a real one from now. */
  resume(): void {
    if (this.fixed === undefined) return;
    this.startHour = this.fixed;
    this.startedAt = Date.now();
    this.fixed = undefined;
  }

  hour(): number {
    if (this.fixed !== undefined) return this.fixed;
    if (this.opts.daySeconds) {
      const elapsedH = ((Date.now() - this.startedAt) / 1000 / this.opts.daySeconds) * 24;
      return (this.startHour + elapsedH) % 24;
    }
    const now = new Date();
    return now.getHours() + now.getMinutes() / 60 + now.getSeconds() / 3600;
  }

  /** Simulated hours that pass per real hour. */
  get speed(): number {
    if (this.fixed !== undefined) return 0;
    return this.opts.daySeconds ? (24 * 3600) / this.opts.daySeconds : 1;
  }
}

/** 0 at night, 1 at solar noon (13:00). */
export function sunFactor(hour: number): number {
  if (hour < 6 || hour >= 20) return 0;
  return Math.sin((Math.PI * (hour - 6)) / 14);
}

export function phaseAt(hour: number, night: NightMode): SunPhase {
  if (hour >= 6 && hour < 20) return sunFactor(hour) < 0.02 ? 'idle' : 'feeding';
  if (hour >= 5 && hour < 6) return 'idle';
  if (hour >= 20 && hour < 22) return 'off';
  return night === 'refused' ? 'unpowered' : 'off';
}
