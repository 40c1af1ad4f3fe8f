/**
 * The Victron register table: the useful Venus OS paths of victron-venus-mqtt.md §5 with
 * their Home Assistant classes and units. A register's `id` is the path template
 * (`<service>/<instance>/<path>`, `+` for an instance number learnt at run time), which is
 * also the filter sent in a dbus-mqtt selective keep-alive.
 */
import type { RegisterDescriptor } from '../../core/registers.ts';
import { filterMatches } from '../../protocols/victron/topic.ts';

export interface VictronRegister extends RegisterDescriptor {
  id: string;
}

/** Services that belong to the GX itself; every other service instance becomes its own device. */
export const GX_SERVICES = new Set(['system', 'settings', 'hub4']);

const PHASES = ['L1', 'L2', 'L3'] as const;

const power = (id: string, key: string, name: string, extra: Partial<VictronRegister> = {}): VictronRegister => ({
  id,
  key,
  name,
  unit: 'W',
  deviceClass: 'power',
  stateClass: 'measurement',
  precision: 0,
  groups: ['power'],
  ...extra,
});
const voltage = (id: string, key: string, name: string): VictronRegister => ({
  id,
  key,
  name,
  unit: 'V',
  deviceClass: 'voltage',
  stateClass: 'measurement',
  precision: 2,
  groups: ['voltage'],
});
const current = (id: string, key: string, name: string): VictronRegister => ({
  id,
  key,
  name,
  unit: 'A',
  deviceClass: 'current',
  stateClass: 'measurement',
  precision: 2,
  groups: ['current'],
});
const frequency = (id: string, key: string, name: string): VictronRegister => ({
  id,
  key,
  name,
  unit: 'Hz',
  deviceClass: 'frequency',
  stateClass: 'measurement',
  precision: 2,
});
const apparent = (id: string, key: string, name: string): VictronRegister => ({
  id,
  key,
  name,
  unit: 'VA',
  deviceClass: 'apparent_power',
  stateClass: 'measurement',
  precision: 0,
  groups: ['power'],
});
/** Energy counters keep full precision in the state; HA rounds for display. */
const energy = (id: string, key: string, name: string): VictronRegister => ({
  id,
  key,
  name,
  unit: 'kWh',
  deviceClass: 'energy',
  stateClass: 'total_increasing',
  precision: 2,
  groups: ['energy'],
});
const soc = (id: string, key: string, name: string): VictronRegister => ({
  id,
  key,
  name,
  unit: '%',
  deviceClass: 'battery',
  stateClass: 'measurement',
  precision: 1,
});
const enumSensor = (id: string, key: string, name: string, labels: [number, string][]): VictronRegister => ({
  id,
  key,
  name,
  type: 'enum',
  deviceClass: 'enum',
  options: labels.map(([, l]) => l),
  enumValues: labels.map(([v]) => v),
});
const select = (id: string, key: string, name: string, labels: [number, string][]): VictronRegister => ({
  id,
  key,
  name,
  type: 'enum',
  writable: true,
  entityCategory: 'config',
  options: labels.map(([, l]) => l),
  enumValues: labels.map(([v]) => v),
});
const toggle = (id: string, key: string, name: string): VictronRegister => ({
  id,
  key,
  name,
  type: 'bool',
  writable: true,
  entityCategory: 'config',
});
const setpoint = (reg: VictronRegister, min: number, max: number, step: number): VictronRegister => ({
  ...reg,
  writable: true,
  min,
  max,
  step,
  entityCategory: 'config',
});
const perPhase = (make: (phase: (typeof PHASES)[number], lower: string) => VictronRegister): VictronRegister[] =>
  PHASES.map((p) => make(p, p.toLowerCase()));

const VEBUS_STATE: [number, string][] = [
  [0, 'Off'],
  [1, 'Low power'],
  [2, 'Fault'],
  [3, 'Bulk'],
  [4, 'Absorption'],
  [5, 'Float'],
  [6, 'Storage'],
  [7, 'Equalize'],
  [8, 'Passthru'],
  [9, 'Inverting'],
  [10, 'Power assist'],
  [11, 'Power supply'],
  [244, 'Sustain'],
  [252, 'External control'],
];
const SYSTEM_STATE: [number, string][] = [
  ...VEBUS_STATE,
  [256, 'Discharging'],
  [257, 'Sustain (ESS)'],
  [258, 'Recharging'],
  [259, 'Scheduled recharging'],
];
const CHARGER_STATE: [number, string][] = [
  [0, 'Off'],
  [2, 'Fault'],
  [3, 'Bulk'],
  [4, 'Absorption'],
  [5, 'Float'],
  [6, 'Storage'],
  [7, 'Equalize'],
  [252, 'External control'],
];
const ESS_BATTERYLIFE_STATE: [number, string][] = [
  [1, 'Optimized with BatteryLife'],
  [2, 'Self-consumption'],
  [3, 'Self-consumption, SoC above 85%'],
  [4, 'Self-consumption, SoC 100%'],
  [5, 'Below dynamic SoC limit'],
  [6, 'Below SoC limit for 24 h'],
  [7, 'Sustain'],
  [8, 'Recharge'],
  [9, 'Keep batteries charged'],
  [10, 'Optimized, above minimum SoC'],
  [11, 'Optimized, below minimum SoC'],
  [12, 'Recharge (optimized)'],
];

export const VICTRON_REGISTERS: VictronRegister[] = [
  // system/0: the totals dbus-systemcalc computes
  ...perPhase((p, l) => power(`system/0/Ac/Consumption/${p}/Power`, `system_consumption_${l}_power`, `AC consumption ${p}`)),
  power('system/0/Ac/ConsumptionOnOutput/L1/Power', 'system_critical_loads_l1_power', 'Critical loads L1'),
  power('system/0/Ac/ConsumptionOnInput/L1/Power', 'system_input_loads_l1_power', 'AC input loads L1'),
  ...perPhase((p, l) => power(`system/0/Ac/Grid/${p}/Power`, `system_grid_${l}_power`, `Grid ${p}`)),
  current('system/0/Ac/Grid/L1/Current', 'system_grid_l1_current', 'Grid current L1'),
  power('system/0/Ac/PvOnGrid/L1/Power', 'system_pv_on_grid_l1_power', 'AC PV on grid L1'),
  power('system/0/Ac/PvOnOutput/L1/Power', 'system_pv_on_output_l1_power', 'AC PV on output L1'),
  power('system/0/Ac/Genset/L1/Power', 'system_genset_l1_power', 'Generator L1'),
  enumSensor('system/0/Ac/ActiveIn/Source', 'system_active_input_source', 'Active AC input', [
    [0, 'Unknown'],
    [1, 'Grid'],
    [2, 'Generator'],
    [3, 'Shore'],
    [240, 'Not connected'],
  ]),
  soc('system/0/Dc/Battery/Soc', 'system_battery_soc', 'Battery state of charge'),
  voltage('system/0/Dc/Battery/Voltage', 'system_battery_voltage', 'Battery voltage'),
  current('system/0/Dc/Battery/Current', 'system_battery_current', 'Battery current'),
  power('system/0/Dc/Battery/Power', 'system_battery_power', 'Battery power'),
  enumSensor('system/0/Dc/Battery/State', 'system_battery_state', 'Battery state', [
    [0, 'Idle'],
    [1, 'Charging'],
    [2, 'Discharging'],
  ]),
  {
    id: 'system/0/Dc/Battery/TimeToGo',
    key: 'system_battery_time_to_go',
    name: 'Battery time to go',
    unit: 's',
    deviceClass: 'duration',
    stateClass: 'measurement',
    precision: 0,
  },
  power('system/0/Dc/Pv/Power', 'system_pv_power', 'DC PV power'),
  current('system/0/Dc/Pv/Current', 'system_pv_current', 'DC PV current'),
  power('system/0/Dc/System/Power', 'system_dc_loads_power', 'DC loads'),
  enumSensor('system/0/SystemState/State', 'system_state', 'System state', SYSTEM_STATE),

  // settings/0: ESS (the GX publishes min/max with each of these)
  setpoint(power('settings/0/Settings/CGwacs/AcPowerSetPoint', 'settings_ess_grid_setpoint', 'ESS grid setpoint'), -10000, 10000, 10),
  setpoint(soc('settings/0/Settings/CGwacs/BatteryLife/MinimumSocLimit', 'settings_ess_minimum_soc', 'ESS minimum SoC'), 0, 100, 1),
  enumSensor(
    'settings/0/Settings/CGwacs/BatteryLife/State',
    'settings_ess_batterylife_state',
    'ESS BatteryLife state',
    ESS_BATTERYLIFE_STATE,
  ),
  select('settings/0/Settings/CGwacs/Hub4Mode', 'settings_ess_mode', 'ESS mode', [
    [1, 'Optimized with phase compensation'],
    [2, 'Optimized without phase compensation'],
    [3, 'External control'],
  ]),
  setpoint(
    power('settings/0/Settings/CGwacs/MaxFeedInPower', 'settings_ess_max_feed_in_power', 'ESS maximum feed-in (-1 = unlimited)'),
    -1,
    1000000,
    1,
  ),
  setpoint(
    power('settings/0/Settings/CGwacs/MaxChargePower', 'settings_ess_max_charge_power', 'ESS maximum charge power (-1 = unlimited)'),
    -1,
    1000000,
    1,
  ),
  setpoint(
    power(
      'settings/0/Settings/CGwacs/MaxDischargePower',
      'settings_ess_max_discharge_power',
      'ESS maximum inverter power (-1 = unlimited)',
    ),
    -1,
    1000000,
    1,
  ),
  toggle('settings/0/Settings/CGwacs/PreventFeedback', 'settings_ess_prevent_ac_pv_feed_in', 'ESS block AC-coupled PV feed-in'),
  toggle('settings/0/Settings/CGwacs/OvervoltageFeedIn', 'settings_ess_dc_pv_feed_in', 'ESS feed in excess DC-coupled PV'),
  setpoint(
    current(
      'settings/0/Settings/SystemSetup/MaxChargeCurrent',
      'settings_dvcc_max_charge_current',
      'DVCC maximum charge current (-1 = unlimited)',
    ),
    -1,
    1000,
    1,
  ),

  // battery/+: BMS or shunt
  voltage('battery/+/Dc/0/Voltage', 'battery_voltage', 'Voltage'),
  current('battery/+/Dc/0/Current', 'battery_current', 'Current'),
  power('battery/+/Dc/0/Power', 'battery_power', 'Power'),
  {
    id: 'battery/+/Dc/0/Temperature',
    key: 'battery_temperature',
    name: 'Temperature',
    unit: '°C',
    deviceClass: 'temperature',
    stateClass: 'measurement',
    precision: 1,
  },
  soc('battery/+/Soc', 'battery_soc', 'State of charge'),
  {
    id: 'battery/+/ConsumedAmphours',
    key: 'battery_consumed_ah',
    name: 'Consumed charge',
    unit: 'Ah',
    stateClass: 'measurement',
    precision: 1,
  },
  { id: 'battery/+/Capacity', key: 'battery_capacity_ah', name: 'Capacity', unit: 'Ah', stateClass: 'measurement', precision: 1 },
  {
    id: 'battery/+/TimeToGo',
    key: 'battery_time_to_go',
    name: 'Time to go',
    unit: 's',
    deviceClass: 'duration',
    stateClass: 'measurement',
    precision: 0,
  },
  current('battery/+/Info/MaxChargeCurrent', 'battery_max_charge_current', 'BMS charge current limit'),
  voltage('battery/+/Info/MaxChargeVoltage', 'battery_max_charge_voltage', 'BMS charge voltage limit'),
  current('battery/+/Info/MaxDischargeCurrent', 'battery_max_discharge_current', 'BMS discharge current limit'),
  voltage('battery/+/System/MinCellVoltage', 'battery_min_cell_voltage', 'Lowest cell voltage'),
  voltage('battery/+/System/MaxCellVoltage', 'battery_max_cell_voltage', 'Highest cell voltage'),

  // solarcharger/+: MPPTs
  power('solarcharger/+/Yield/Power', 'solarcharger_pv_power', 'PV power'),
  energy('solarcharger/+/Yield/User', 'solarcharger_yield_user', 'Yield (user total)'),
  energy('solarcharger/+/Yield/System', 'solarcharger_yield_system', 'Yield (system total)'),
  voltage('solarcharger/+/Pv/V', 'solarcharger_pv_voltage', 'PV voltage'),
  voltage('solarcharger/+/Dc/0/Voltage', 'solarcharger_battery_voltage', 'Battery voltage'),
  current('solarcharger/+/Dc/0/Current', 'solarcharger_battery_current', 'Charge current'),
  enumSensor('solarcharger/+/State', 'solarcharger_state', 'Charger state', CHARGER_STATE),
  { id: 'solarcharger/+/ErrorCode', key: 'solarcharger_error_code', name: 'Error code', entityCategory: 'diagnostic', precision: 0 },
  select('solarcharger/+/Mode', 'solarcharger_mode', 'Mode', [
    [1, 'On'],
    [4, 'Off'],
  ]),

  // vebus/+: MultiPlus / Quattro
  ...perPhase((p, l) => power(`vebus/+/Ac/ActiveIn/${p}/P`, `vebus_ac_in_${l}_power`, `AC input power ${p}`)),
  ...perPhase((p, l) => voltage(`vebus/+/Ac/ActiveIn/${p}/V`, `vebus_ac_in_${l}_voltage`, `AC input voltage ${p}`)),
  ...perPhase((p, l) => current(`vebus/+/Ac/ActiveIn/${p}/I`, `vebus_ac_in_${l}_current`, `AC input current ${p}`)),
  frequency('vebus/+/Ac/ActiveIn/L1/F', 'vebus_ac_in_frequency', 'AC input frequency'),
  apparent('vebus/+/Ac/ActiveIn/L1/S', 'vebus_ac_in_l1_apparent_power', 'AC input apparent power L1'),
  ...perPhase((p, l) => power(`vebus/+/Ac/Out/${p}/P`, `vebus_ac_out_${l}_power`, `AC output power ${p}`)),
  ...perPhase((p, l) => voltage(`vebus/+/Ac/Out/${p}/V`, `vebus_ac_out_${l}_voltage`, `AC output voltage ${p}`)),
  ...perPhase((p, l) => current(`vebus/+/Ac/Out/${p}/I`, `vebus_ac_out_${l}_current`, `AC output current ${p}`)),
  frequency('vebus/+/Ac/Out/L1/F', 'vebus_ac_out_frequency', 'AC output frequency'),
  apparent('vebus/+/Ac/Out/L1/S', 'vebus_ac_out_l1_apparent_power', 'AC output apparent power L1'),
  enumSensor('vebus/+/Ac/ActiveIn/ActiveInput', 'vebus_active_input', 'Active AC input', [
    [0, 'AC input 1'],
    [1, 'AC input 2'],
    [240, 'Disconnected'],
  ]),
  setpoint(current('vebus/+/Ac/ActiveIn/CurrentLimit', 'vebus_input_current_limit', 'AC input current limit'), 0, 100, 0.1),
  select('vebus/+/Mode', 'vebus_mode', 'Mode', [
    [1, 'Charger only'],
    [2, 'Inverter only'],
    [3, 'On'],
    [4, 'Off'],
  ]),
  enumSensor('vebus/+/State', 'vebus_state', 'Inverter state', VEBUS_STATE),
  voltage('vebus/+/Dc/0/Voltage', 'vebus_dc_voltage', 'DC voltage'),
  current('vebus/+/Dc/0/Current', 'vebus_dc_current', 'DC current'),
  power('vebus/+/Dc/0/Power', 'vebus_dc_power', 'DC power'),
  ...perPhase((p, l) =>
    setpoint(power(`vebus/+/Hub4/${p}/AcPowerSetpoint`, `vebus_ess_${l}_setpoint`, `ESS external control setpoint ${p}`), -10000, 10000, 1),
  ),
  toggle('vebus/+/Hub4/DisableCharge', 'vebus_ess_disable_charge', 'ESS disable charge'),
  toggle('vebus/+/Hub4/DisableFeedIn', 'vebus_ess_disable_feed_in', 'ESS disable feed-in'),
  energy('vebus/+/Energy/InverterToAcOut', 'vebus_energy_inverter_to_ac_out', 'Energy inverter to AC out'),
  energy('vebus/+/Energy/AcIn1ToAcOut', 'vebus_energy_ac_in1_to_ac_out', 'Energy AC in 1 to AC out'),
  energy('vebus/+/Energy/AcIn1ToInverter', 'vebus_energy_ac_in1_to_inverter', 'Energy AC in 1 to battery'),
  energy('vebus/+/Energy/InverterToAcIn1', 'vebus_energy_inverter_to_ac_in1', 'Energy battery to AC in 1'),

  // grid/+: grid meters
  power('grid/+/Ac/Power', 'grid_power', 'Power'),
  ...perPhase((p, l) => power(`grid/+/Ac/${p}/Power`, `grid_${l}_power`, `Power ${p}`)),
  ...perPhase((p, l) => voltage(`grid/+/Ac/${p}/Voltage`, `grid_${l}_voltage`, `Voltage ${p}`)),
  ...perPhase((p, l) => current(`grid/+/Ac/${p}/Current`, `grid_${l}_current`, `Current ${p}`)),
  frequency('grid/+/Ac/Frequency', 'grid_frequency', 'Frequency'),
  energy('grid/+/Ac/Energy/Forward', 'grid_energy_import', 'Energy imported'),
  energy('grid/+/Ac/Energy/Reverse', 'grid_energy_export', 'Energy exported'),

  // pvinverter/+: AC-coupled PV
  power('pvinverter/+/Ac/Power', 'pvinverter_power', 'Power'),
  ...perPhase((p, l) => power(`pvinverter/+/Ac/${p}/Power`, `pvinverter_${l}_power`, `Power ${p}`)),
  energy('pvinverter/+/Ac/Energy/Forward', 'pvinverter_energy', 'Energy produced'),

  // evcharger/+
  power('evcharger/+/Ac/Power', 'evcharger_power', 'Power'),
  energy('evcharger/+/Ac/Energy/Forward', 'evcharger_energy', 'Energy charged'),
  { id: 'evcharger/+/Status', key: 'evcharger_status', name: 'Status code', precision: 0 },
  select('evcharger/+/Mode', 'evcharger_mode', 'Mode', [
    [0, 'Manual'],
    [1, 'Auto'],
    [2, 'Scheduled'],
  ]),
  toggle('evcharger/+/StartStop', 'evcharger_start', 'Charging'),
  setpoint(current('evcharger/+/SetCurrent', 'evcharger_set_current', 'Charge current'), 0, 80, 1),
];

/** The first template of `table` that matches a concrete `<service>/<instance>/<path>`. */
export function templateFor(table: readonly VictronRegister[], fullPath: string): VictronRegister | undefined {
  return table.find((r) => filterMatches(r.id, fullPath));
}

/** Concrete path of a template for one instance: `battery/+/Soc` → `battery/512/Soc`. */
export function concretePath(template: string, instance: string): string {
  const parts = template.split('/');
  if (parts[1] === '+') parts[1] = instance;
  return parts.join('/');
}

/**
 * Register for a path the user asked for in `extra_paths` that the table does not know.
 * Without a unit or class (the GX does not say), as a number or text sensor.
 */
export function extraRegister(service: string, instance: string, path: string, sample: unknown): VictronRegister {
  const instancePart = GX_SERVICES.has(service) ? instance : '+';
  return {
    id: `${service}/${instancePart}/${path}`,
    key: `${service}_${path}`
      .replace(/[^A-Za-z0-9]+/g, '_')
      .replace(/_+$/, '')
      .toLowerCase(),
    name: path.replace(/\//g, ' '),
    type: typeof sample === 'string' ? 'text' : 'number',
  };
}
