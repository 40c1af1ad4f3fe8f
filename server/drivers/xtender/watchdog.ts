/**
 * Plausibility of a batch of readings from one device. The seed's bridge published output
 * currents no inverter can deliver after a drop-out; a batch with any value outside its
 * physical bounds, or one that moved further than physics allows since the last reading,
 * is distrusted as a whole (its in-range values may be just as wrong).
 */
import type { Reading } from '../../core/hub.ts';
import type { XtenderRegister } from './registers.ts';

export interface Implausible {
  key: string;
  value: number;
  why: string;
}

export function findImplausible(
  registers: readonly XtenderRegister[],
  batch: readonly Reading[],
  last: Readonly<Record<string, unknown>>,
): Implausible | undefined {
  for (const reading of batch) {
    const reg = registers.find((r) => r.key === reading.key);
    const value = reading.value;
    if (!reg || typeof value !== 'number' || !Number.isFinite(value)) continue;
    if (reg.bounds && (value < reg.bounds.min || value > reg.bounds.max)) {
      return {
        key: reg.key,
        value,
        why: `${reg.name} ${value} ${reg.unit ?? ''} is outside ${reg.bounds.min}..${reg.bounds.max}`.replace(/ {2}/g, ' '),
      };
    }
    const previous = last[reg.key];
    if (reg.maxJump !== undefined && typeof previous === 'number' && Math.abs(value - previous) > reg.maxJump) {
      return { key: reg.key, value, why: `${reg.name} jumped from ${previous} to ${value} ${reg.unit ?? ''}`.trim() };
    }
  }
  return undefined;
}
