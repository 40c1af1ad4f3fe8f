/**
 * The DLMS register table: OBIS code (`id`, in the seed's `1-0:1.7.0.255` form) to a
 * Home Assistant entity. Keys are the IVY seed's (ACTIVE_POWER_IMPORT …) plus common
 * OBIS codes. `scale` applies only when the meter gives no scaler/unit (IVY EM114070
 * values, protocols/dlms-cosem.md and reference/data/ivy-4g-gateway). OBIS codes not
 * listed here are published under a generated key (`registerForUnknownObis`).
 */
import type { RegisterDescriptor } from '../../core/registers.ts';

export interface DlmsRegister extends RegisterDescriptor {
  id: string;
  /** COSEM interface class to GET it with (3 Register, 1 Data, 8 Clock). */
  classId: number;
}

type Kind = 'power' | 'reactive' | 'apparent' | 'voltage' | 'current' | 'pf' | 'frequency' | 'energy' | 'reactive_energy';

const KINDS: Record<Kind, Partial<RegisterDescriptor>> = {
  power: { unit: 'W', deviceClass: 'power', stateClass: 'measurement', precision: 0, groups: ['power'] },
  reactive: { unit: 'var', deviceClass: 'reactive_power', stateClass: 'measurement', precision: 0, groups: ['power'] },
  apparent: { unit: 'VA', deviceClass: 'apparent_power', stateClass: 'measurement', precision: 0, groups: ['power'] },
  voltage: {
    unit: 'V',
    deviceClass: 'voltage',
    stateClass: 'measurement',
    precision: 1,
    groups: ['voltage'],
    bounds: { min: 0, max: 1000 },
  },
  current: { unit: 'A', deviceClass: 'current', stateClass: 'measurement', precision: 2, groups: ['current'] },
  pf: { deviceClass: 'power_factor', stateClass: 'measurement', precision: 3, groups: ['powerFactor'], bounds: { min: -1, max: 1 } },
  frequency: { unit: 'Hz', deviceClass: 'frequency', stateClass: 'measurement', precision: 2, bounds: { min: 40, max: 70 } },
  energy: { unit: 'kWh', deviceClass: 'energy', stateClass: 'total_increasing', precision: 3, groups: ['energy'] },
  reactive_energy: { unit: 'kvarh', deviceClass: 'reactive_energy', stateClass: 'total_increasing', precision: 3, groups: ['energy'] },
};

function reg(key: string, obis: string, name: string, kind: Kind, scale?: number): DlmsRegister {
  return { key, id: obis, name, classId: 3, ...KINDS[kind], ...(scale !== undefined ? { scale } : {}) };
}

export const DLMS_REGISTERS: DlmsRegister[] = [
  // The seed's table (seeds/002 "DLMS OBIS Registers"), with the IVY EM114070's fixed scalers.
  reg('ACTIVE_POWER_IMPORT', '1-0:1.7.0.255', 'Active power import', 'power'),
  reg('REACTIVE_POWER_IMPORT', '1-0:3.7.0.255', 'Reactive power import', 'reactive'),
  reg('APPARENT_POWER_IMPORT', '1-0:9.7.0.255', 'Apparent power import', 'apparent'),
  reg('CURRENT_TOTAL', '1-0:11.7.0.255', 'Current', 'current', 0.001),
  reg('VOLTAGE_TOTAL', '1-0:12.7.0.255', 'Voltage', 'voltage', 0.01),
  reg('POWER_FACTOR_TOTAL', '1-0:13.7.0.255', 'Power factor', 'pf', 0.001),
  reg('FREQUENCY', '1-0:14.7.0.255', 'Frequency', 'frequency', 0.01),
  reg('TOTAL_ENERGY_ABSOLUTE', '1-0:15.8.0.255', 'Total energy (absolute)', 'energy', 0.001),
  reg('CURRENT_NEUTRAL', '1-0:91.7.0.255', 'Neutral current', 'current', 0.001),
  { key: 'CURRENT_TARIFF', id: '0-0:96.14.0.255', name: 'Current tariff', classId: 1, precision: 0, icon: 'mdi:cash-clock' },
  // Common OBIS codes (protocols/dlms-cosem.md §9).
  reg('ACTIVE_POWER_EXPORT', '1-0:2.7.0.255', 'Active power export', 'power'),
  reg('REACTIVE_POWER_EXPORT', '1-0:4.7.0.255', 'Reactive power export', 'reactive'),
  reg('APPARENT_POWER_EXPORT', '1-0:10.7.0.255', 'Apparent power export', 'apparent'),
  reg('ACTIVE_POWER_NET', '1-0:16.7.0.255', 'Active power (import − export)', 'power'),
  reg('ACTIVE_POWER_IMPORT_L1', '1-0:21.7.0.255', 'Active power import L1', 'power'),
  reg('ACTIVE_POWER_IMPORT_L2', '1-0:41.7.0.255', 'Active power import L2', 'power'),
  reg('ACTIVE_POWER_IMPORT_L3', '1-0:61.7.0.255', 'Active power import L3', 'power'),
  reg('ACTIVE_POWER_EXPORT_L1', '1-0:22.7.0.255', 'Active power export L1', 'power'),
  reg('ACTIVE_POWER_EXPORT_L2', '1-0:42.7.0.255', 'Active power export L2', 'power'),
  reg('ACTIVE_POWER_EXPORT_L3', '1-0:62.7.0.255', 'Active power export L3', 'power'),
  reg('CURRENT_L1', '1-0:31.7.0.255', 'Current L1', 'current'),
  reg('CURRENT_L2', '1-0:51.7.0.255', 'Current L2', 'current'),
  reg('CURRENT_L3', '1-0:71.7.0.255', 'Current L3', 'current'),
  reg('VOLTAGE_L1', '1-0:32.7.0.255', 'Voltage L1', 'voltage'),
  reg('VOLTAGE_L2', '1-0:52.7.0.255', 'Voltage L2', 'voltage'),
  reg('VOLTAGE_L3', '1-0:72.7.0.255', 'Voltage L3', 'voltage'),
  reg('POWER_FACTOR_L1', '1-0:33.7.0.255', 'Power factor L1', 'pf'),
  reg('POWER_FACTOR_L2', '1-0:53.7.0.255', 'Power factor L2', 'pf'),
  reg('POWER_FACTOR_L3', '1-0:73.7.0.255', 'Power factor L3', 'pf'),
  reg('ACTIVE_ENERGY_IMPORT', '1-0:1.8.0.255', 'Energy import', 'energy'),
  reg('ACTIVE_ENERGY_IMPORT_T1', '1-0:1.8.1.255', 'Energy import tariff 1', 'energy'),
  reg('ACTIVE_ENERGY_IMPORT_T2', '1-0:1.8.2.255', 'Energy import tariff 2', 'energy'),
  reg('ACTIVE_ENERGY_EXPORT', '1-0:2.8.0.255', 'Energy export', 'energy'),
  reg('ACTIVE_ENERGY_EXPORT_T1', '1-0:2.8.1.255', 'Energy export tariff 1', 'energy'),
  reg('ACTIVE_ENERGY_EXPORT_T2', '1-0:2.8.2.255', 'Energy export tariff 2', 'energy'),
  reg('REACTIVE_ENERGY_IMPORT', '1-0:3.8.0.255', 'Reactive energy import', 'reactive_energy'),
  reg('REACTIVE_ENERGY_EXPORT', '1-0:4.8.0.255', 'Reactive energy export', 'reactive_energy'),
  reg('MAX_DEMAND_IMPORT', '1-0:1.6.0.255', 'Maximum demand import', 'power'),
  {
    key: 'CLOCK',
    id: '0-0:1.0.0.255',
    name: 'Meter clock',
    classId: 8,
    type: 'text',
    entityCategory: 'diagnostic',
    icon: 'mdi:clock-outline',
  },
  { key: 'DEVICE_ID', id: '0-0:96.1.0.255', name: 'Meter serial number', classId: 1, type: 'text', entityCategory: 'diagnostic' },
  { key: 'DEVICE_ID_2', id: '0-0:96.1.1.255', name: 'Manufacturer id', classId: 1, type: 'text', entityCategory: 'diagnostic' },
  { key: 'LOGICAL_DEVICE_NAME', id: '0-0:42.0.0.255', name: 'Logical device name', classId: 1, type: 'text', entityCategory: 'diagnostic' },
];

const BY_OBIS = new Map(DLMS_REGISTERS.map((r) => [r.id, r]));

export function registerForObis(obis: string): DlmsRegister | undefined {
  return BY_OBIS.get(obis);
}

/** Home Assistant class of a unit the meter sent, for OBIS codes outside the table. */
const CLASS_BY_UNIT: Record<string, Partial<RegisterDescriptor>> = {
  W: KINDS.power,
  var: KINDS.reactive,
  VA: KINDS.apparent,
  V: { ...KINDS.voltage, groups: undefined, bounds: undefined },
  A: { ...KINDS.current, groups: undefined },
  Hz: { ...KINDS.frequency, bounds: undefined },
  Wh: { unit: 'Wh', deviceClass: 'energy', stateClass: 'total_increasing' },
  varh: { unit: 'varh', deviceClass: 'reactive_energy', stateClass: 'total_increasing' },
  VAh: { unit: 'VAh', stateClass: 'total_increasing' },
  '°C': { unit: '°C', deviceClass: 'temperature', stateClass: 'measurement' },
};

/** A register for an OBIS code the table does not know: key `OBIS_1_0_99_7_0_255`. */
export function registerForUnknownObis(obis: string, unit: string | undefined, value: unknown): DlmsRegister {
  const key = `OBIS_${obis.replace(/[^0-9]+/g, '_')}`;
  const base: DlmsRegister = { key, id: obis, name: `OBIS ${obis}`, classId: 3, groups: ['other'] };
  if (typeof value !== 'number') return { ...base, classId: 1, type: 'text', entityCategory: 'diagnostic' };
  const cls = unit !== undefined ? CLASS_BY_UNIT[unit] : undefined;
  if (cls) return { ...base, ...cls, groups: ['other'] };
  return { ...base, ...(unit !== undefined ? { unit } : {}), stateClass: 'measurement' };
}

/** Factor from the meter's unit to the register's (Wh → kWh …); undefined when they do not convert. */
export function unitFactor(from: string | undefined, to: string | undefined): number | undefined {
  if (from === undefined || from === to) return 1;
  if (to === `k${from}`) return 0.001;
  if (from === `k${to}`) return 1000;
  return undefined;
}
