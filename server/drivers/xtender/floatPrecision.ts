/**
 * SCOM FLOATs are float32: 52.3 arrives as 52.29999923706055. Published values are rounded
 * to the register's precision (or the decimals of its step); without either, to the
 * shortest decimal that is the same float32.
 */
import type { XtenderRegister } from './registers.ts';

const FLOAT32_DIGITS = 9;

function decimalsOf(step: number): number {
  const text = String(step);
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}

function shortestFloat32(value: number): number {
  for (let digits = 1; digits < FLOAT32_DIGITS; digits++) {
    const candidate = Number(value.toPrecision(digits));
    if (Math.fround(candidate) === value) return candidate;
  }
  return value;
}

export function roundFloat(reg: Pick<XtenderRegister, 'format' | 'precision' | 'step'>, value: number): number {
  if (reg.format !== 'float' || !Number.isFinite(value)) return value;
  const decimals = reg.precision ?? (reg.step !== undefined ? decimalsOf(reg.step) : undefined);
  return decimals === undefined ? shortestFloat32(value) : Number(value.toFixed(decimals));
}
