/**
 * A household behind a meter: load that swings over the day, optional rooftop solar, mains
 * voltage around 230 V. Values are computed when read (no timer per meter), and the energy
 * counters integrate the power since the previous read, so they only ever rise.
 */

export interface HouseholdOptions {
  seed: number;
  threePhase: boolean;
  solar: boolean;
  /** Speeds up simulated time for the demo (1 = real time). */
  timeScale?: number;
}

const PHASES = ['A', 'B', 'C'] as const;

export class Household {
  importKwh: number;
  exportKwh = 0;
  tariffKwh: [number, number] = [0, 0];
  /** Counters stand still (the chaos run compares them with what the bridge published). */
  frozen = false;
  private lastMs: number;
  private readonly timeScale: number;
  /** Pinned values by DI (faults and threshold tests). */
  readonly overrides = new Map<string, number>();

  constructor(
    private readonly opts: HouseholdOptions,
    nowMs = Date.now(),
  ) {
    this.importKwh = 1000 + (opts.seed % 9000) + (opts.seed % 97) / 100;
    this.tariffKwh = [this.importKwh * 0.6, this.importKwh * 0.4];
    this.lastMs = nowMs;
    this.timeScale = opts.timeScale ?? 1;
  }

  get phases(): readonly string[] {
    return this.opts.threePhase ? PHASES : PHASES.slice(0, 1);
  }

  /** Net active power in kW at `ms` (negative = export), per phase. */
  phasePowerKw(phase: number, ms: number): number {
    const t = (ms * this.timeScale) / 1000;
    const s = this.opts.seed + phase * 101;
    const hour = (t / 3600 + (s % 24)) % 24;
    const evening = Math.exp(-((hour - 19) ** 2) / 6);
    const load = 0.15 + 1.2 * evening + 0.4 * (0.5 + 0.5 * Math.sin(t / 47 + s)) + 0.2 * wobble(s, Math.floor(t / 5));
    const sun = this.opts.solar ? Math.max(0, Math.sin(((hour - 6) / 12) * Math.PI)) * 1.8 : 0;
    return (load - sun) / this.phases.length;
  }

  totalPowerKw(ms: number): number {
    let p = 0;
    for (let i = 0; i < this.phases.length; i++) p += this.phasePowerKw(i, ms);
    return p;
  }

  voltage(phase: number, ms: number): number {
    const t = (ms * this.timeScale) / 1000;
    const s = this.opts.seed + phase * 31;
    return 230 + 3 * Math.sin(t / 113 + s) + 1.5 * wobble(s, Math.floor(t / 3));
  }

  powerFactor(phase: number, ms: number): number {
    const t = (ms * this.timeScale) / 1000;
    return 0.93 + 0.05 * Math.sin(t / 71 + this.opts.seed + phase);
  }

  current(phase: number, ms: number): number {
    const p = this.phasePowerKw(phase, ms) * 1000;
    return p / (this.voltage(phase, ms) * this.powerFactor(phase, ms));
  }

  frequency(ms: number): number {
    return 50 + 0.03 * Math.sin((ms * this.timeScale) / 1000 / 29 + this.opts.seed);
  }

  /** Integrate energy up to `ms`; called before any energy value is read. */
  advance(ms: number): void {
    if (this.frozen) return;
    const dtH = ((ms - this.lastMs) * this.timeScale) / 3_600_000;
    if (dtH <= 0) return;
    this.lastMs = ms;
    const p = this.totalPowerKw(ms);
    const t = (ms * this.timeScale) / 1000;
    if (p >= 0) {
      this.importKwh += p * dtH;
      this.tariffKwh[(t / 3600) % 24 < 7 ? 1 : 0] += p * dtH;
    } else {
      this.exportKwh += -p * dtH;
    }
  }
}

/** Deterministic noise in -1..1 for (seed, step): no state, no timer. */
function wobble(seed: number, step: number): number {
  const x = Math.sin(seed * 12.9898 + step * 78.233) * 43758.5453;
  return (x - Math.floor(x)) * 2 - 1;
}
