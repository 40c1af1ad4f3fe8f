/**
 * The IVY topic API's units (seeds/002, "Available Registers"): telemetry and command
 * responses carry power in kW, reactive power in kvar and apparent power in kVA, and "-" for
 * a unitless value, while Home Assistant keeps each register's own unit (the state topic).
 * A register opts in by declaring its `ivyUnit`; the conversion is derived from its `unit`.
 */
import type { RegisterDescriptor, RegisterValue } from './registers.ts';

/** IVY unit → the register unit it converts from, and the divisor. */
export const IVY_UNIT_CONVERSIONS = {
  kW: { from: 'W', divisor: 1000 },
  kvar: { from: 'var', divisor: 1000 },
  kVA: { from: 'VA', divisor: 1000 },
} as const;

export type IvyUnit = keyof typeof IVY_UNIT_CONVERSIONS;

/** What the IVY seed writes as the unit of a quantity without one (power factor, tariff). */
export const IVY_UNITLESS = '-';

export interface IvyQuantity {
  value: RegisterValue;
  unit: string;
}

/** A register's value and unit as IVY clients expect them. */
export function ivyQuantity(reg: Pick<RegisterDescriptor, 'unit' | 'ivyUnit'>, value: RegisterValue): IvyQuantity {
  const unit = reg.unit ?? IVY_UNITLESS;
  if (!reg.ivyUnit || reg.ivyUnit === unit) return { value, unit };
  const conversion = IVY_UNIT_CONVERSIONS[reg.ivyUnit];
  // A table declaring an IVY unit its own unit does not convert to keeps its unit (a unit test checks every table).
  if (conversion.from !== unit) return { value, unit };
  if (typeof value !== 'number') return { value, unit: reg.ivyUnit };
  // toPrecision(15) drops the float noise of the division (1234.1 / 1000 → 1.2341).
  return { value: Number((value / conversion.divisor).toPrecision(15)), unit: reg.ivyUnit };
}
