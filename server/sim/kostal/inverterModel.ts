/**
 * The simulated inverter's electrical state at a given sun phase and strength, and its
 * energy counters (integrated over simulated time; today's energy restarts at dawn).
 */
import type { SunPhase } from '../daylight.ts';

export interface ModelShape {
  peakW: number;
  /** Strings that carry current (a third input may be fitted but unused). */
  activeStrings: number;
  strings: number;
  phases: number;
}

export interface LiveValues {
  acW: number;
  strings: { u: number; i: number; p: number }[];
  phases: { u: number; i: number; p: number }[];
}

export function liveValues(shape: ModelShape, phase: SunPhase, sun: number): LiveValues {
  const feeding = phase === 'feeding';
  const acW = feeding ? Math.round(shape.peakW * sun) : 0;
  const dcPerString = acW / 0.96 / shape.activeStrings;
  const strings = Array.from({ length: shape.strings }, (_, k) => {
    if (k >= shape.activeStrings) return { u: 0, i: 0, p: 0 };
    const u = feeding ? Math.round(400 + 70 * sun + 5 * k) : Math.round(150 + 90 * k);
    const i = feeding ? Math.round((dcPerString / u) * 100) / 100 : 0.01 + 0.01 * k;
    return { u, i, p: Math.round(u * i) };
  });
  const phases = Array.from({ length: shape.phases }, (_, k) => {
    const u = 222 + k;
    const p = Math.round(acW / shape.phases);
    return { u, i: Math.round((p / u) * 100) / 100, p };
  });
  return { acW, strings, phases };
}

export class EnergyCounters {
  private lastHour: number | undefined;
  private wasDark = false;

  constructor(
    public totalKwh: number,
    public dailyKwh: number,
  ) {}

  /** Advance to `hour` while producing `acW`; a jump of the clock (tests) adds nothing. */
  advance(hour: number, acW: number, phase: SunPhase): void {
    const dark = phase === 'off' || phase === 'unpowered';
    if (this.wasDark && !dark) this.dailyKwh = 0;
    this.wasDark = dark;
    const last = this.lastHour;
    this.lastHour = hour;
    if (last === undefined || hour < last || hour - last > 0.5) return;
    const kwh = (acW / 1000) * (hour - last);
    this.totalKwh += kwh;
    this.dailyKwh += kwh;
  }
}
