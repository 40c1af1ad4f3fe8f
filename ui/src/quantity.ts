/**
 * Values as the panel shows them: one unit per quantity whatever the driver reports (W for
 * power, kWh for energy), enum codes as labels, numbers to the register's precision.
 */
import { formatValue } from './format.ts';
import { optionLabel } from './labels.ts';
import type { RegisterView, Value } from './types.ts';

interface Conversion {
  unit: string;
  factor: number;
  /** Decimal places gained (+) or lost (−) by the conversion. */
  shift: number;
}

const COMMON_UNIT: Record<string, Conversion> = {
  kW: { unit: 'W', factor: 1000, shift: -3 },
  MW: { unit: 'W', factor: 1e6, shift: -6 },
  Wh: { unit: 'kWh', factor: 0.001, shift: 3 },
  MWh: { unit: 'kWh', factor: 1000, shift: -3 },
};

export interface Shown {
  unit: string;
  /** Multiply a value in the register's unit by this to get `unit`. */
  factor: number;
  precision?: number;
}

/** The unit, factor and precision a register's numbers are shown in. */
export function shownAs(reg: Pick<RegisterView, 'unit' | 'precision'>): Shown {
  const c = reg.unit !== undefined ? COMMON_UNIT[reg.unit] : undefined;
  if (!c) return { unit: reg.unit ?? '', factor: 1, precision: reg.precision };
  const precision = reg.precision === undefined ? undefined : Math.min(6, Math.max(0, reg.precision + c.shift));
  return { unit: c.unit, factor: c.factor, precision };
}

/** A register's value as text, and the unit to put after it. */
export function displayReading(reg: RegisterView, value: Value | undefined): { text: string; unit: string } {
  const shown = shownAs(reg);
  if (typeof value === 'number') return { text: formatValue(value * shown.factor, shown.precision), unit: shown.unit };
  if (typeof value === 'string' && reg.type === 'enum') return { text: optionLabel(value), unit: '' };
  return { text: formatValue(value), unit: value === null || value === undefined ? '' : shown.unit };
}

/** The current value in a write box, in the register's own unit, without float noise (57.59999… → 57.6). */
export function writeBoxText(reg: RegisterView, value: Value | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value !== 'number') return String(value);
  const decimals = reg.precision ?? decimalsOf(reg.step);
  if (decimals !== undefined) return String(Number(value.toFixed(Math.min(decimals, 10))));
  // Devices send single-precision floats: seven significant digits is all they hold.
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(7)));
}

function decimalsOf(step: number | undefined): number | undefined {
  if (step === undefined || !Number.isFinite(step) || step <= 0) return undefined;
  const text = String(step);
  const e = /e-(\d+)$/.exec(text);
  if (e) return Number(e[1]);
  return text.includes('.') ? (text.split('.')[1] ?? '').length : 0;
}
