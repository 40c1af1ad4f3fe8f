/**
 * Kostal PIKO register table. `id` is the DXS id where the API has one; the classic page
 * has no ids. Per-string and per-phase registers are added when the inverter shows them.
 */
import type { RegisterDescriptor } from '../../core/registers.ts';
import { OPERATING_STATES } from '../../protocols/kostal/operatingState.ts';
import { DXS, dcInputIds, phaseIds } from '../../protocols/kostal/dxs.ts';

const power = (key: string, name: string, id?: number): RegisterDescriptor => ({
  key,
  name,
  id: id?.toString(),
  unit: 'W',
  deviceClass: 'power',
  stateClass: 'measurement',
  precision: 0,
  groups: ['power'],
  bounds: { min: -1000, max: 100_000 },
});
const voltage = (key: string, name: string, id?: number): RegisterDescriptor => ({
  key,
  name,
  id: id?.toString(),
  unit: 'V',
  deviceClass: 'voltage',
  stateClass: 'measurement',
  precision: 0,
  groups: ['voltage'],
  bounds: { min: 0, max: 1500 },
});
const current = (key: string, name: string, id?: number): RegisterDescriptor => ({
  key,
  name,
  id: id?.toString(),
  unit: 'A',
  deviceClass: 'current',
  stateClass: 'measurement',
  precision: 2,
  groups: ['current'],
  bounds: { min: 0, max: 100 },
});

/** Registers every PIKO has. */
export const BASE_REGISTERS: RegisterDescriptor[] = [
  power('ac_power', 'AC power', DXS.acPower),
  {
    key: 'energy_total',
    name: 'Total energy',
    id: DXS.yieldTotal.toString(),
    unit: 'kWh',
    deviceClass: 'energy',
    stateClass: 'total_increasing',
    precision: 0,
    groups: ['energy'],
  },
  {
    key: 'energy_today',
    name: 'Energy today',
    id: DXS.yieldToday.toString(),
    unit: 'kWh',
    deviceClass: 'energy',
    stateClass: 'total_increasing',
    precision: 2,
    groups: ['energy'],
    description: 'Resets when the inverter starts a new day; use Total energy for the Energy dashboard',
  },
  {
    key: 'operating_state',
    name: 'Operating state',
    id: DXS.operatingStatus.toString(),
    deviceClass: 'enum',
    type: 'enum',
    options: [...OPERATING_STATES],
  },
  { key: 'status_text', name: 'Status', type: 'text', icon: 'mdi:information-outline', description: "The inverter's own status text" },
];

/** Registers only the DXS API gives. */
export const DXS_REGISTERS: RegisterDescriptor[] = [
  power('dc_power', 'DC power', DXS.dcPowerTotal),
  {
    key: 'grid_frequency',
    name: 'Grid frequency',
    id: DXS.frequency.toString(),
    unit: 'Hz',
    deviceClass: 'frequency',
    stateClass: 'measurement',
    precision: 2,
    bounds: { min: 40, max: 70 },
  },
  {
    key: 'power_factor',
    name: 'Power factor',
    id: DXS.cosPhi.toString(),
    deviceClass: 'power_factor',
    stateClass: 'measurement',
    precision: 2,
    groups: ['powerFactor'],
    bounds: { min: -1, max: 1 },
  },
  {
    key: 'power_limitation',
    name: 'Power limitation',
    id: DXS.limitation.toString(),
    unit: '%',
    stateClass: 'measurement',
    precision: 0,
    entityCategory: 'diagnostic',
    bounds: { min: 0, max: 100 },
  },
  {
    key: 'operating_time',
    name: 'Operating time',
    id: DXS.operatingTime.toString(),
    unit: 'h',
    deviceClass: 'duration',
    stateClass: 'total_increasing',
    precision: 0,
    entityCategory: 'diagnostic',
  },
];

export function stringRegisters(n: number): RegisterDescriptor[] {
  const ids = dcInputIds(n);
  return [
    voltage(`string${n}_voltage`, `String ${n} voltage`, ids.voltage),
    current(`string${n}_current`, `String ${n} current`, ids.current),
    power(`string${n}_power`, `String ${n} power`, ids.power),
  ];
}

export function phaseRegisters(n: number, withCurrent: boolean): RegisterDescriptor[] {
  const ids = phaseIds(n);
  return [
    voltage(`l${n}_voltage`, `L${n} voltage`, ids.voltage),
    ...(withCurrent ? [current(`l${n}_current`, `L${n} current`, ids.current)] : []),
    power(`l${n}_power`, `L${n} power`, ids.power),
  ];
}

/** Every register the driver can publish. */
export const ALL_REGISTERS: RegisterDescriptor[] = [
  ...BASE_REGISTERS,
  ...DXS_REGISTERS,
  ...[1, 2, 3].flatMap((n) => stringRegisters(n)),
  ...[1, 2, 3].flatMap((n) => phaseRegisters(n, true)),
];

/** The DXS ids a poll asks for: the table's, so a register added to it is also read. */
export const DXS_POLL_IDS: readonly number[] = ALL_REGISTERS.flatMap((r) => (r.id === undefined ? [] : [Number(r.id)]));
