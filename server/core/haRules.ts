/**
 * Home Assistant's sensor device-class rules (units and state classes), from
 * shared/reference/ha-mqtt-discovery.md §4.1. A register table that breaks them fails
 * its test; HA would otherwise drop the entity silently.
 */
import type { RegisterDescriptor, StateClass } from './registers.ts';

const ENERGY_UNITS = ['J', 'kJ', 'MJ', 'GJ', 'mWh', 'Wh', 'kWh', 'MWh', 'GWh', 'TWh', 'cal', 'kcal', 'Mcal', 'Gcal'];
const ANY_STATE: StateClass[] = ['measurement', 'total', 'total_increasing'];

interface ClassRule {
  units: (string | undefined)[];
  stateClasses: StateClass[];
}

export const DEVICE_CLASS_RULES: Record<string, ClassRule> = {
  power: { units: ['mW', 'W', 'kW', 'MW', 'GW', 'TW'], stateClasses: ['measurement'] },
  energy: { units: ENERGY_UNITS, stateClasses: ['total', 'total_increasing'] },
  energy_storage: { units: ENERGY_UNITS, stateClasses: ['measurement'] },
  voltage: { units: ['V', 'mV', 'µV', 'kV', 'MV'], stateClasses: ['measurement'] },
  current: { units: ['A', 'mA', 'µA'], stateClasses: ['measurement'] },
  frequency: { units: ['mHz', 'Hz', 'kHz', 'MHz', 'GHz'], stateClasses: ['measurement'] },
  power_factor: { units: ['%', undefined], stateClasses: ['measurement'] },
  reactive_power: { units: ['mvar', 'var', 'kvar'], stateClasses: ['measurement'] },
  reactive_energy: { units: ['varh', 'kvarh'], stateClasses: ['total', 'total_increasing'] },
  apparent_power: { units: ['mVA', 'VA', 'kVA'], stateClasses: ['measurement'] },
  battery: { units: ['%'], stateClasses: ['measurement'] },
  temperature: { units: ['°C', '°F', 'K'], stateClasses: ['measurement'] },
  duration: { units: ['d', 'h', 'min', 's', 'ms', 'µs'], stateClasses: ANY_STATE },
  enum: { units: [undefined], stateClasses: [] },
  timestamp: { units: [undefined], stateClasses: [] },
};

/** Problems with one register under Home Assistant's rules; empty when it is valid. */
export function haRuleViolations(reg: RegisterDescriptor): string[] {
  const problems: string[] = [];
  if (!/^[a-zA-Z0-9_]+$/.test(reg.key)) problems.push(`${reg.key}: key must be [a-zA-Z0-9_]`);
  if (reg.type === 'enum' && (!reg.options || reg.options.length === 0)) problems.push(`${reg.key}: enum without options`);
  if (reg.writable && reg.type !== 'enum' && reg.type !== 'bool' && reg.type !== 'text') {
    if (reg.min === undefined || reg.max === undefined) problems.push(`${reg.key}: writable number needs min and max`);
    else if (!(reg.max > reg.min)) problems.push(`${reg.key}: max must be greater than min`);
    // The number entity is offered with the effective range, the device's when it reported one.
    const device = reg.deviceRange;
    if (device && !(device.max > device.min))
      problems.push(`${reg.key}: the device's range ${device.min}..${device.max} leaves nothing to choose`);
  }
  if (reg.deviceClass === undefined) {
    if (reg.stateClass === 'total_increasing' || reg.stateClass === 'total') {
      // Counters without a class are allowed (e.g. kVAh) but never energy units.
      if (reg.unit !== undefined && ENERGY_UNITS.includes(reg.unit)) problems.push(`${reg.key}: energy unit without device_class energy`);
    }
    return problems;
  }
  const rule = DEVICE_CLASS_RULES[reg.deviceClass];
  if (!rule) {
    problems.push(`${reg.key}: unknown device_class ${reg.deviceClass}`);
    return problems;
  }
  if (!reg.writable && !rule.units.includes(reg.unit)) {
    problems.push(`${reg.key}: unit ${reg.unit ?? '(none)'} is not valid with device_class ${reg.deviceClass}`);
  }
  if (reg.deviceClass === 'enum') {
    if (reg.stateClass) problems.push(`${reg.key}: enum sensors take no state_class`);
    if (!reg.options?.length) problems.push(`${reg.key}: enum sensors need options`);
  } else if (!reg.writable && reg.stateClass && !rule.stateClasses.includes(reg.stateClass)) {
    problems.push(`${reg.key}: state_class ${reg.stateClass} is not valid with device_class ${reg.deviceClass}`);
  }
  if (reg.deviceClass === 'energy' && !reg.writable && !reg.stateClass) problems.push(`${reg.key}: energy needs total or total_increasing`);
  return problems;
}

export function tableViolations(table: readonly RegisterDescriptor[]): string[] {
  const seen = new Set<string>();
  const problems: string[] = [];
  for (const reg of table) {
    if (seen.has(reg.key)) problems.push(`${reg.key}: duplicate key`);
    seen.add(reg.key);
    problems.push(...haRuleViolations(reg));
  }
  return problems;
}
