/** One reading of an inverter, the same shape whichever interface it came from. */
import type { OperatingState } from './operatingState.ts';

export type Generation = 'classic' | 'dxs';

export interface StringValues {
  /** 1-based string (DC input) number. */
  index: number;
  voltageV: number | null;
  currentA: number | null;
  powerW: number | null;
}

export interface PhaseValues {
  /** 1-based phase number. */
  index: number;
  voltageV: number | null;
  currentA: number | null;
  powerW: number | null;
}

export interface InverterSnapshot {
  generation: Generation;
  /** The inverter's own status text (classic) or the state name (DXS). */
  statusText: string | null;
  state: OperatingState | null;
  acPowerW: number | null;
  totalEnergyKwh: number | null;
  dailyEnergyKwh: number | null;
  strings: StringValues[];
  phases: PhaseValues[];
  /** Only on the DXS API. */
  dcPowerW?: number | null;
  frequencyHz?: number | null;
  powerFactor?: number | null;
  limitationPct?: number | null;
  operatingTimeH?: number | null;
  /** Live values are `x x x` placeholders: the inverter is off (night). */
  placeholders: boolean;
  /** Cells that could not be read, for diagnostics. */
  problems?: string[];
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };
