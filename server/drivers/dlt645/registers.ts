/**
 * The DL/T 645-2007 register table: the IVY gateway's register names and data ids (so IVY
 * clients work unchanged), each with its value format from the standard.
 *
 * The IVY documentation mislabels several energy DIs. We keep IVY's `key` and `id` as IVY
 * lists them, but the descriptions, units and Home Assistant classes follow what the meter
 * actually returns for that DI under DL/T 645-2007 (protocols/dlt645.md §4.2):
 *   00010000 "totalActiveEnergy"        = forward (import) active energy, total
 *   00010100 "totalActiveEnergyForward" = forward active energy, tariff 1
 *   00010200 "totalActiveEnergyReverse" = forward active energy, tariff 2
 *   00020000 "totalReactiveEnergy"      = reverse (export) active energy, total (kWh, not kvarh)
 */
import type { RegisterDescriptor } from '../../core/registers.ts';
import type { ValueFormat } from '../../protocols/dlt645/values.ts';

export interface Dlt645Register extends RegisterDescriptor {
  key: string;
  id: string;
  /** Value format of the DI (bytes, implied decimals, sign bit). */
  format: ValueFormat;
  /** The block DI that also returns this value, and its position in the block. */
  block?: { id: string; index: number };
  /** The phase a per-phase value belongs to; threshold alarms name it (`total` when absent). */
  phase?: 'A' | 'B' | 'C';
}

type Phase = NonNullable<Dlt645Register['phase']>;

const ENERGY: ValueFormat = { bytes: 4, decimals: 2, signed: false };
const SIGNED_ENERGY: ValueFormat = { bytes: 4, decimals: 2, signed: true };
const VOLTAGE: ValueFormat = { bytes: 2, decimals: 1, signed: false };
const CURRENT: ValueFormat = { bytes: 3, decimals: 3, signed: true };
/** XX.XXXX kW / kvar / kVA: W / var / VA for Home Assistant (scale 1000), kW / kvar / kVA again for IVY clients. */
const POWER: ValueFormat = { bytes: 3, decimals: 4, signed: true };
const POWER_FACTOR: ValueFormat = { bytes: 2, decimals: 3, signed: true };
const FREQUENCY: ValueFormat = { bytes: 2, decimals: 2, signed: false };
const TEMPERATURE: ValueFormat = { bytes: 2, decimals: 1, signed: true };

const importEnergy = (key: string, id: string, name: string, description: string): Dlt645Register => ({
  key,
  id,
  name,
  description,
  format: ENERGY,
  unit: 'kWh',
  deviceClass: 'energy',
  stateClass: 'total_increasing',
  precision: 2,
  groups: ['energy'],
});

const power = (key: string, id: string, name: string, description: string): Dlt645Register => ({
  key,
  id,
  name,
  description,
  format: POWER,
  unit: 'W',
  ivyUnit: 'kW',
  scale: 1000,
  deviceClass: 'power',
  stateClass: 'measurement',
  precision: 1,
  groups: ['power'],
});

const PHASE_INDEX: Record<Phase, number> = { A: 0, B: 1, C: 2 };

const voltage = (phase: Phase, id: string): Dlt645Register => ({
  key: `voltage${phase}`,
  phase,
  id,
  name: `Voltage ${phase}`,
  description: `Phase ${phase} voltage`,
  format: VOLTAGE,
  block: { id: '0201FF00', index: PHASE_INDEX[phase] },
  unit: 'V',
  deviceClass: 'voltage',
  stateClass: 'measurement',
  precision: 1,
  groups: ['voltage'],
});

const current = (phase: Phase, id: string): Dlt645Register => ({
  key: `current${phase}`,
  phase,
  id,
  name: `Current ${phase}`,
  description: `Phase ${phase} current (signed: negative when exporting)`,
  format: CURRENT,
  block: { id: '0202FF00', index: PHASE_INDEX[phase] },
  unit: 'A',
  deviceClass: 'current',
  stateClass: 'measurement',
  precision: 3,
  groups: ['current'],
});

const powerFactor = (key: string, id: string, name: string, description: string, phase?: Phase): Dlt645Register => ({
  key,
  ...(phase ? { phase } : {}),
  id,
  name,
  description,
  format: POWER_FACTOR,
  deviceClass: 'power_factor',
  stateClass: 'measurement',
  precision: 3,
  groups: ['powerFactor'],
  bounds: { min: -1, max: 1 },
});

export const DLT645_REGISTERS: Dlt645Register[] = [
  importEnergy('totalActiveEnergy', '00010000', 'Import energy', 'Forward (import) active energy, total'),
  importEnergy('totalActiveEnergyForward', '00010100', 'Import energy tariff 1', 'Forward (import) active energy, tariff 1'),
  importEnergy('totalActiveEnergyReverse', '00010200', 'Import energy tariff 2', 'Forward (import) active energy, tariff 2'),
  importEnergy('totalReactiveEnergy', '00020000', 'Export energy', 'Reverse (export) active energy, total'),
  power('totalActivePower', '02030000', 'Power', 'Total active power (negative when exporting)'),
  power('activePowerA', '02030100', 'Power A', 'Phase A active power'),
  power('activePowerB', '02030200', 'Power B', 'Phase B active power'),
  power('activePowerC', '02030300', 'Power C', 'Phase C active power'),
  {
    key: 'totalReactivePower',
    id: '02040000',
    name: 'Reactive power',
    description: 'Total reactive power',
    format: POWER,
    unit: 'var',
    ivyUnit: 'kvar',
    scale: 1000,
    deviceClass: 'reactive_power',
    stateClass: 'measurement',
    precision: 1,
    groups: ['power'],
  },
  {
    key: 'totalApparentPower',
    id: '02050000',
    name: 'Apparent power',
    description: 'Total apparent power',
    format: POWER,
    unit: 'VA',
    ivyUnit: 'kVA',
    scale: 1000,
    deviceClass: 'apparent_power',
    stateClass: 'measurement',
    precision: 1,
    groups: ['power'],
  },
  voltage('A', '02010100'),
  voltage('B', '02010200'),
  voltage('C', '02010300'),
  current('A', '02020100'),
  current('B', '02020200'),
  current('C', '02020300'),
  powerFactor('totalPowerFactor', '02060000', 'Power factor', 'Total power factor'),
  powerFactor('powerFactorA', '02060100', 'Power factor A', 'Phase A power factor', 'A'),
  powerFactor('powerFactorB', '02060200', 'Power factor B', 'Phase B power factor', 'B'),
  powerFactor('powerFactorC', '02060300', 'Power factor C', 'Phase C power factor', 'C'),
  {
    key: 'frequency',
    id: '02800002',
    name: 'Frequency',
    description: 'Grid frequency',
    format: FREQUENCY,
    unit: 'Hz',
    deviceClass: 'frequency',
    stateClass: 'measurement',
    precision: 2,
  },
  // Beyond IVY's list: the combined counters are signed (they may run negative), hence `total`.
  {
    key: 'combinedActiveEnergy',
    id: '00000000',
    name: 'Combined energy',
    description: 'Combined active energy, total (per mode word 04000601)',
    format: SIGNED_ENERGY,
    unit: 'kWh',
    deviceClass: 'energy',
    stateClass: 'total',
    precision: 2,
    onDemand: true,
  },
  {
    key: 'combinedReactiveEnergy1',
    id: '00030000',
    name: 'Reactive energy 1',
    description: 'Combined reactive energy 1, total',
    format: SIGNED_ENERGY,
    unit: 'kvarh',
    deviceClass: 'reactive_energy',
    stateClass: 'total',
    precision: 2,
    onDemand: true,
  },
  {
    key: 'meterTemperature',
    id: '02800007',
    name: 'Meter temperature',
    description: 'Meter internal temperature',
    format: TEMPERATURE,
    unit: '°C',
    deviceClass: 'temperature',
    stateClass: 'measurement',
    precision: 1,
    entityCategory: 'diagnostic',
    onDemand: true,
  },
];

/**
 * The import energy entity read from the combined counter, for meters that refuse 00010000
 * and serve only 00000000 (the IVY gateway's meter simulator); used only when the mode
 * word says 00000000 counts the forward energy alone, or cannot be read.
 */
export const IMPORT_FROM_COMBINED: Dlt645Register = {
  ...importEnergy('totalActiveEnergy', '00000000', 'Import energy', 'Forward (import) active energy, total, from the combined counter'),
  format: SIGNED_ENERGY,
};

export function registerByKey(key: string): Dlt645Register | undefined {
  return DLT645_REGISTERS.find((r) => r.key === key);
}

/** Decoded number in the register's published unit, rounded to what the format resolves. */
export function scaleValue(reg: Dlt645Register, decoded: number | null): number | null {
  if (decoded === null) return null;
  const scale = reg.scale ?? 1;
  const digits = Math.max(0, reg.format.decimals - Math.round(Math.log10(scale)));
  return Number((decoded * scale).toFixed(digits));
}
