/**
 * The register tables per device family: SCOM user infos (polled) and parameters (read on
 * demand, writable). Ids, units and formats from the Xtender serial protocol appendix
 * V1.6.42 (shared/protocols/studer-scom.md §8). `bounds` are physical limits: a value
 * outside means the link is reporting nonsense (see watchdog.ts).
 */
import type { RegisterDescriptor } from '../../core/registers.ts';
import type { DeviceFamily } from '../../protocols/scom/addresses.ts';
import type { ScomFormat } from '../../protocols/scom/values.ts';

export interface XtenderRegister extends RegisterDescriptor {
  objectType: 'info' | 'parameter';
  objectId: number;
  format: ScomFormat;
  /** Infos: the fast group (output power and current) or the slow one. */
  poll?: 'fast' | 'slow';
  /** Largest believable change between two consecutive readings. */
  maxJump?: number;
}

type Spec = Omit<XtenderRegister, 'objectType' | 'objectId' | 'id' | 'format'> & { format?: ScomFormat };

function info(objectId: number, spec: Spec): XtenderRegister {
  return { objectType: 'info', objectId, id: String(objectId), format: 'float', poll: 'slow', ...spec };
}

function enumInfo(objectId: number, key: string, name: string, options: string[], extra: Partial<Spec> = {}): XtenderRegister {
  return info(objectId, { key, name, type: 'enum', options, format: 'short_enum', ...extra });
}

function param(objectId: number, spec: Spec): XtenderRegister {
  return {
    objectType: 'parameter',
    objectId,
    id: String(objectId),
    format: 'float',
    writable: true,
    onDemand: true,
    entityCategory: 'config',
    ...spec,
  };
}

function boolParam(objectId: number, key: string, name: string): XtenderRegister {
  return param(objectId, { key, name, type: 'bool', format: 'bool' });
}

const volts = (key: string, name: string, max: number, extra: Partial<Spec> = {}): Spec => ({
  key,
  name,
  unit: 'V',
  deviceClass: 'voltage',
  stateClass: 'measurement',
  precision: 2,
  bounds: { min: 0, max },
  groups: ['voltage'],
  ...extra,
});
const amps = (key: string, name: string, limit: number, extra: Partial<Spec> = {}): Spec => ({
  key,
  name,
  unit: 'A',
  deviceClass: 'current',
  stateClass: 'measurement',
  precision: 2,
  bounds: { min: -limit, max: limit },
  groups: ['current'],
  ...extra,
});
const kw = (key: string, name: string, limit: number, extra: Partial<Spec> = {}): Spec => ({
  key,
  name,
  unit: 'kW',
  deviceClass: 'power',
  stateClass: 'measurement',
  precision: 3,
  bounds: { min: -limit, max: limit },
  groups: ['power'],
  ...extra,
});
/** Daily counters reset at midnight, so they are `total`, not `total_increasing`. */
const dailyKwh = (key: string, name: string): Spec => ({
  key,
  name,
  unit: 'kWh',
  deviceClass: 'energy',
  stateClass: 'total_increasing',
  resetsDaily: true,
  precision: 2,
  bounds: { min: 0, max: 2000 },
  groups: ['energy'],
});
const celsius = (key: string, name: string): Spec => ({
  key,
  name,
  unit: '°C',
  deviceClass: 'temperature',
  stateClass: 'measurement',
  precision: 1,
  bounds: { min: -40, max: 120 },
  maxJump: 30,
  entityCategory: 'diagnostic',
});
const hertz = (key: string, name: string): Spec => ({
  key,
  name,
  unit: 'Hz',
  deviceClass: 'frequency',
  stateClass: 'measurement',
  precision: 2,
  bounds: { min: 0, max: 70 },
});

const OPEN_CLOSED = ['Opened', 'Closed'];
const OFF_ON = ['Off', 'On'];
const MPPT_PHASE = ['Bulk', 'Absorption', 'Equalize', 'Floating', '---', '---', 'Reduced floating', 'Periodic absorption'];

export const XTENDER_REGISTERS: XtenderRegister[] = [
  info(3000, volts('battery_voltage', 'Battery voltage', 80, { maxJump: 20 })),
  info(3005, amps('battery_charge_current', 'Battery charge current', 600)),
  info(3007, {
    key: 'battery_soc',
    name: 'State of charge',
    unit: '%',
    deviceClass: 'battery',
    stateClass: 'measurement',
    precision: 0,
    bounds: { min: 0, max: 100 },
  }),
  enumInfo(3010, 'battery_cycle_phase', 'Battery cycle phase', [
    'Invalid value',
    'Bulk',
    'Absorption',
    'Equalise',
    'Floating',
    'Reduced floating',
    'Periodic absorption',
    'Mixing',
    'Forming',
  ]),
  info(3011, volts('input_voltage', 'AC input voltage', 300)),
  info(3012, amps('input_current', 'AC input current', 100, { poll: 'fast' })),
  info(3137, kw('input_active_power', 'AC input power', 25, { poll: 'fast' })),
  info(3021, volts('output_voltage', 'AC output voltage', 300)),
  info(3022, amps('output_current', 'AC output current', 100, { poll: 'fast' })),
  info(3136, kw('output_active_power', 'AC output power', 25, { poll: 'fast' })),
  info(3139, {
    key: 'output_apparent_power',
    name: 'AC output apparent power',
    unit: 'kVA',
    deviceClass: 'apparent_power',
    stateClass: 'measurement',
    precision: 3,
    bounds: { min: 0, max: 25 },
  }),
  info(3084, hertz('input_frequency', 'AC input frequency')),
  info(3085, hertz('output_frequency', 'AC output frequency')),
  enumInfo(3028, 'operating_state', 'Operating state', ['Invalid value', 'Inverter', 'Charger', 'Boost', 'Injection']),
  enumInfo(3020, 'transfer_relay', 'Transfer relay', OPEN_CLOSED),
  enumInfo(3049, 'inverter_state', 'Inverter', OFF_ON),
  enumInfo(3031, 'aux_relay_1', 'Auxiliary relay 1', OPEN_CLOSED, { entityCategory: 'diagnostic' }),
  enumInfo(3032, 'aux_relay_2', 'Auxiliary relay 2', OPEN_CLOSED, { entityCategory: 'diagnostic' }),
  info(3081, dailyKwh('energy_ac_in_today', 'AC input energy today')),
  info(3083, dailyKwh('energy_consumers_today', 'Consumers energy today')),
  info(3078, dailyKwh('battery_discharge_today', 'Battery discharge today')),
  param(1107, {
    key: 'max_ac_input_current',
    name: 'Maximum AC input current',
    unit: 'A',
    deviceClass: 'current',
    min: 2,
    max: 50,
    step: 0.1,
  }),
  param(1138, {
    key: 'battery_charge_current_setting',
    name: 'Battery charge current setting',
    unit: 'A',
    deviceClass: 'current',
    min: 0,
    max: 200,
    step: 1,
  }),
  param(1140, { key: 'floating_voltage', name: 'Floating voltage', unit: 'V', deviceClass: 'voltage', min: 37.9, max: 72, step: 0.1 }),
  param(1156, { key: 'absorption_voltage', name: 'Absorption voltage', unit: 'V', deviceClass: 'voltage', min: 37.9, max: 72, step: 0.1 }),
  param(1187, { key: 'standby_level', name: 'Standby level', unit: '%', min: 0, max: 100, step: 1 }),
  param(1523, {
    key: 'max_grid_feeding_current',
    name: 'Maximum grid feeding current',
    unit: 'A',
    deviceClass: 'current',
    min: 0,
    max: 50,
    step: 0.2,
  }),
  param(1552, {
    key: 'grid_loss_detection',
    name: 'Grid loss detection',
    type: 'enum',
    format: 'long_enum',
    options: ['Slow', 'Tolerant', 'Fast'],
    enumValues: [1, 2, 4],
  }),
  boolParam(1124, 'inverter_allowed', 'Inverter allowed'),
  boolParam(1125, 'charger_allowed', 'Charger allowed'),
  boolParam(1126, 'smart_boost_allowed', 'Smart-Boost allowed'),
  boolParam(1127, 'grid_feeding_allowed', 'Grid feeding allowed'),
  boolParam(1296, 'battery_priority', 'Battery priority as energy source'),
];

export const BSP_REGISTERS: XtenderRegister[] = [
  info(7000, volts('battery_voltage', 'Battery voltage', 80, { maxJump: 20 })),
  info(7001, amps('battery_current', 'Battery current', 1000, { poll: 'fast' })),
  info(7002, {
    key: 'battery_soc',
    name: 'State of charge',
    unit: '%',
    deviceClass: 'battery',
    stateClass: 'measurement',
    precision: 1,
    bounds: { min: 0, max: 100 },
  }),
  info(7003, {
    key: 'battery_power',
    name: 'Battery power',
    unit: 'W',
    deviceClass: 'power',
    stateClass: 'measurement',
    precision: 0,
    bounds: { min: -60000, max: 60000 },
    groups: ['power'],
    poll: 'fast',
  }),
  info(7004, {
    key: 'remaining_autonomy',
    name: 'Remaining autonomy',
    unit: 'min',
    deviceClass: 'duration',
    stateClass: 'measurement',
    precision: 0,
    bounds: { min: 0, max: 1e6 },
  }),
  info(7029, celsius('battery_temperature', 'Battery temperature')),
  info(7007, {
    key: 'ah_charged_today',
    name: 'Charge today',
    unit: 'Ah',
    stateClass: 'total_increasing',
    resetsDaily: true,
    precision: 1,
    bounds: { min: 0, max: 100000 },
  }),
  info(7008, {
    key: 'ah_discharged_today',
    name: 'Discharge today',
    unit: 'Ah',
    stateClass: 'total_increasing',
    resetsDaily: true,
    precision: 1,
    bounds: { min: 0, max: 100000 },
  }),
  param(6001, { key: 'nominal_capacity', name: 'Nominal capacity', unit: 'Ah', min: 20, max: 20000, step: 1 }),
  param(6057, {
    key: 'system_voltage',
    name: 'System voltage',
    type: 'enum',
    format: 'long_enum',
    options: ['Automatic', '12 V', '24 V', '48 V'],
    enumValues: [1, 2, 4, 8],
  }),
];

export const VARIOTRACK_REGISTERS: XtenderRegister[] = [
  info(11000, volts('battery_voltage', 'Battery voltage', 80, { maxJump: 20 })),
  info(11001, amps('battery_current', 'Battery current', 200, { poll: 'fast' })),
  info(11002, volts('pv_voltage', 'PV voltage', 900)),
  info(11004, kw('pv_power', 'PV power', 20, { poll: 'fast' })),
  info(11007, dailyKwh('pv_energy_today', 'PV energy today')),
  info(11009, {
    key: 'pv_energy_total',
    name: 'PV energy total',
    unit: 'MWh',
    deviceClass: 'energy',
    stateClass: 'total_increasing',
    precision: 3,
    bounds: { min: 0, max: 100000 },
    groups: ['energy'],
  }),
  enumInfo(11016, 'operating_mode', 'Operating mode', [
    'Night',
    'Startup',
    '---',
    'Charger',
    '---',
    'Security',
    'Off',
    '---',
    'Charge',
    'Charge V',
    'Charge I',
    'Charge T',
    'Ibsp',
  ]),
  enumInfo(11038, 'battery_cycle_phase', 'Battery cycle phase', MPPT_PHASE),
  param(10002, {
    key: 'battery_charge_current_setting',
    name: 'Battery charge current setting',
    unit: 'A',
    deviceClass: 'current',
    min: 0,
    max: 80,
    step: 1,
  }),
  param(10005, { key: 'floating_voltage', name: 'Floating voltage', unit: 'V', deviceClass: 'voltage', min: 37.9, max: 68.2, step: 0.1 }),
  param(10009, {
    key: 'absorption_voltage',
    name: 'Absorption voltage',
    unit: 'V',
    deviceClass: 'voltage',
    min: 37.9,
    max: 68.2,
    step: 0.1,
  }),
];

export const VARIOSTRING_REGISTERS: XtenderRegister[] = [
  info(15000, volts('battery_voltage', 'Battery voltage', 80, { maxJump: 20 })),
  info(15001, amps('battery_current', 'Battery current', 200, { poll: 'fast' })),
  info(15004, volts('pv_voltage', 'PV voltage', 1000)),
  info(15010, kw('pv_power', 'PV power', 20, { poll: 'fast' })),
  info(15017, dailyKwh('pv_energy_today', 'PV energy today')),
  info(15023, {
    key: 'pv_energy_total',
    name: 'PV energy total',
    unit: 'MWh',
    deviceClass: 'energy',
    stateClass: 'total_increasing',
    precision: 3,
    bounds: { min: 0, max: 100000 },
    groups: ['energy'],
  }),
  enumInfo(15013, 'operating_mode', 'PV operating mode', [
    'Night',
    'Security',
    'Off',
    'Charge',
    'Charge V',
    'Charge I',
    'Charge P',
    'Charge Ipv',
    'Charge T',
    '---',
    'Charge Ibsp',
  ]),
  enumInfo(15002, 'battery_cycle_phase', 'Battery cycle phase', MPPT_PHASE),
  param(14005, { key: 'floating_voltage', name: 'Floating voltage', unit: 'V', deviceClass: 'voltage', min: 37.9, max: 68.2, step: 0.1 }),
];

/** The Xcom-232i itself: what its frame flags say. */
export const XCOM_REGISTERS: XtenderRegister[] = [
  info(0, { key: 'sd_card_present', name: 'SD card present', type: 'bool', format: 'bool', entityCategory: 'diagnostic', poll: undefined }),
  info(0, { key: 'restarted', name: 'Gateway restarted', type: 'bool', format: 'bool', entityCategory: 'diagnostic', poll: undefined }),
];

export const FAMILY_REGISTERS: Readonly<Record<DeviceFamily, XtenderRegister[]>> = {
  xtender: XTENDER_REGISTERS,
  variotrack: VARIOTRACK_REGISTERS,
  variostring: VARIOSTRING_REGISTERS,
  bsp: BSP_REGISTERS,
  xcom: XCOM_REGISTERS,
};

/** Infos that identify a device: presence probe, model, version, FID (the serial number). */
export interface FamilyIdentity {
  probe: number;
  type: number;
  softMsb: number;
  softLsb: number;
  fidMsb: number;
  fidLsb: number;
  models: Readonly<Record<number, string>>;
}

export const FAMILY_IDENTITY: Readonly<Partial<Record<DeviceFamily, FamilyIdentity>>> = {
  xtender: {
    probe: 3000,
    type: 3124,
    softMsb: 3130,
    softLsb: 3131,
    fidMsb: 3156,
    fidLsb: 3157,
    models: { 1: 'XTH', 256: 'XTM', 512: 'XTS' },
  },
  bsp: { probe: 7034, type: 7034, softMsb: 7037, softLsb: 7038, fidMsb: 7048, fidLsb: 7049, models: {} },
  variotrack: { probe: 11000, type: 11047, softMsb: 11050, softLsb: 11051, fidMsb: 11067, fidLsb: 11068, models: {} },
  variostring: {
    probe: 15000,
    type: 15074,
    softMsb: 15077,
    softLsb: 15078,
    fidMsb: 15102,
    fidLsb: 15103,
    models: { 12801: 'VS-120', 13057: 'VS-70' },
  },
};

export const FAMILY_LABEL: Readonly<Record<DeviceFamily, string>> = {
  xtender: 'Xtender',
  variotrack: 'VarioTrack',
  variostring: 'VarioString',
  bsp: 'BSP',
  xcom: 'Xcom-232i',
};
