/**
 * The declarative register table every driver exports. One table drives polling, the
 * state JSON, Home Assistant discovery, the register browser and write checks.
 */
import type { IvyUnit } from './ivyUnits.ts';

export type StateClass = 'measurement' | 'total' | 'total_increasing';
export type EntityCategory = 'diagnostic' | 'config';
export type RegisterValue = number | string | boolean | null;

export interface RegisterDescriptor {
  /** Key in the state JSON and the discovery component id: `[a-zA-Z0-9_]`. */
  key: string;
  /** Entity name shown in Home Assistant, without the device name. */
  name: string;
  description?: string;
  /** The protocol's own address: DL/T 645 DI, OBIS code, SCOM object id, GX path… */
  id?: string;
  unit?: string;
  /** The unit IVY clients get in telemetry and command responses, when it is not `unit` (ivyUnits.ts). */
  ivyUnit?: IvyUnit;
  deviceClass?: string;
  stateClass?: StateClass;
  /** Decimal places Home Assistant shows. */
  precision?: number;
  entityCategory?: EntityCategory;
  /** Value kind; `enum` needs `options`. */
  type?: 'number' | 'enum' | 'bool' | 'text';
  /** Labels of an enum, in the order of the raw values unless `enumValues` is given. */
  options?: string[];
  /** Raw values for `options` where they are not 0..n-1. */
  enumValues?: number[];
  writable?: boolean;
  /** Writable on the device, but not offered because this device's writes are off. */
  writesOff?: boolean;
  /** The table's range of a writable number; `deviceRange` overrides it (`effectiveRange`). */
  min?: number;
  max?: number;
  /** The range the device itself reported for this setting; it is the one writes are checked against. */
  deviceRange?: { min: number; max: number };
  step?: number;
  /** Multiply the raw number by this to get `unit`. */
  scale?: number;
  /** Command groups (`energy`, `power`, `voltage`, `current`, `powerFactor`…); `all` is implicit. */
  groups?: string[];
  /** Plausible physical bounds; a value outside is dropped as implausible. */
  bounds?: { min: number; max: number };
  icon?: string;
  /** A `total_increasing` counter the device restarts each day (e.g. "energy today"): a drop
   * across local midnight is a new day, not a regression. */
  resetsDaily?: boolean;
  /** Not polled or published by default (still readable on demand). */
  onDemand?: boolean;
  enabledByDefault?: boolean;
}

export type HaPlatform = 'sensor' | 'number' | 'select' | 'switch' | 'text';

/** Which Home Assistant platform a register becomes. */
export function platformOf(reg: RegisterDescriptor): HaPlatform {
  if (!reg.writable) return 'sensor';
  if (reg.type === 'enum') return 'select';
  if (reg.type === 'bool') return 'switch';
  if (reg.type === 'text') return 'text';
  return 'number';
}

export interface EffectiveRange {
  min?: number;
  max?: number;
  /** Whose limits these are: the device's own, or the register table's. */
  from: 'device' | 'table';
}

/**
 * The range a writable number is checked and offered with: the device's when it reported one,
 * the table's otherwise. The hub's write check, discovery and the UI all take it from here.
 */
export function effectiveRange(reg: RegisterDescriptor): EffectiveRange {
  if (reg.deviceRange) return { ...reg.deviceRange, from: 'device' };
  return { min: reg.min, max: reg.max, from: 'table' };
}

export function findRegister(table: readonly RegisterDescriptor[], nameOrId: string): RegisterDescriptor | undefined {
  return table.find((r) => r.key === nameOrId) ?? table.find((r) => r.id !== undefined && r.id.toLowerCase() === nameOrId.toLowerCase());
}

/**
 * A command group's registers. `all` is every polled register (IVY: "all available
 * registers"); on a device whose registers are all on demand, that is every one of them.
 */
export function registersInGroup(table: readonly RegisterDescriptor[], group: string): RegisterDescriptor[] {
  if (group === 'all') {
    const polled = table.filter((r) => !r.onDemand);
    return polled.length > 0 ? polled : [...table];
  }
  return table.filter((r) => r.groups?.includes(group));
}

/** Label for an enum's raw value, or null when the value has no label. */
export function enumLabel(reg: RegisterDescriptor, raw: number): string | null {
  if (!reg.options) return null;
  const idx = reg.enumValues ? reg.enumValues.indexOf(raw) : raw;
  return reg.options[idx] ?? null;
}
