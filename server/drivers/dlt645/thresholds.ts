/**
 * Threshold alarms (voltage_high/low, current_high, power_factor_low): an event when a
 * value crosses its threshold and another when it comes back, never one per poll.
 */
import type { DeviceEvent } from '../../core/hub.ts';
import type { RegisterValue } from '../../core/registers.ts';
import { DLT645_REGISTERS, type Dlt645Register } from './registers.ts';

export interface Thresholds {
  voltage_high: number;
  voltage_low: number;
  current_high: number;
  power_factor_low: number;
}

interface Rule {
  event: 'voltage_high' | 'voltage_low' | 'current_high' | 'power_factor_low';
  key: string;
  phase: string;
  threshold: number;
  /** True while the value is beyond the threshold. */
  beyond(value: number): boolean;
  what: string;
}

/**
 * The rules of one register, by its class: every polled voltage, current and power factor
 * of the table is watched, so a register added there is watched too.
 */
function rulesOf(reg: Dlt645Register, t: Thresholds): Rule[] {
  const base = { key: reg.key, phase: reg.phase ?? 'total' };
  switch (reg.deviceClass) {
    case 'voltage':
      return [
        {
          ...base,
          event: 'voltage_high',
          threshold: t.voltage_high,
          beyond: (v) => v > t.voltage_high,
          what: 'Voltage exceeded threshold',
        },
        // 0 V is a phase that is not wired, not a sag.
        {
          ...base,
          event: 'voltage_low',
          threshold: t.voltage_low,
          beyond: (v) => v > 0 && v < t.voltage_low,
          what: 'Voltage below threshold',
        },
      ];
    case 'current':
      return [
        {
          ...base,
          event: 'current_high',
          threshold: t.current_high,
          beyond: (v) => Math.abs(v) > t.current_high,
          what: 'Current exceeded threshold',
        },
      ];
    case 'power_factor':
      return [
        {
          ...base,
          event: 'power_factor_low',
          threshold: t.power_factor_low,
          beyond: (v) => v !== 0 && Math.abs(v) < t.power_factor_low,
          what: 'Power factor below threshold',
        },
      ];
    default:
      return [];
  }
}

/** Every meter shares its driver's thresholds: the rules are built once per thresholds object and table. */
const SHARED_RULES = new WeakMap<Thresholds, WeakMap<readonly Dlt645Register[], Rule[]>>();

function sharedRules(t: Thresholds, table: readonly Dlt645Register[]): Rule[] {
  let byTable = SHARED_RULES.get(t);
  if (!byTable) {
    byTable = new WeakMap();
    SHARED_RULES.set(t, byTable);
  }
  let built = byTable.get(table);
  if (!built) {
    built = table.filter((r) => !r.onDemand).flatMap((r) => rulesOf(r, t));
    // One bit per rule in a meter's state.
    if (built.length > 31) throw new Error(`${built.length} threshold rules: at most 31 fit a meter's state`);
    byTable.set(table, built);
  }
  return built;
}

export class ThresholdWatch {
  private readonly rules: Rule[];
  /** Bit i set while rule i is beyond its threshold (13 rules: one number per meter). */
  private active = 0;

  constructor(thresholds: Thresholds, table: readonly Dlt645Register[] = DLT645_REGISTERS) {
    this.rules = sharedRules(thresholds, table);
  }

  /** Events for the thresholds these readings crossed (either way). */
  check(values: ReadonlyMap<string, RegisterValue>): DeviceEvent[] {
    const events: DeviceEvent[] = [];
    for (const [i, rule] of this.rules.entries()) {
      const value = values.get(rule.key);
      if (typeof value !== 'number') continue;
      const bit = 1 << i;
      const beyond = rule.beyond(value);
      const data = { phase: rule.phase, value, threshold: rule.threshold };
      if (beyond && !(this.active & bit)) {
        this.active |= bit;
        events.push({ type: 'alarm', event: rule.event, message: `${rule.what} on phase ${rule.phase}: ${value}`, data });
      } else if (!beyond && this.active & bit) {
        this.active &= ~bit;
        events.push({
          type: 'info',
          event: `${rule.event}_cleared`,
          message: `Back within threshold on phase ${rule.phase}: ${value}`,
          data,
        });
      }
    }
    return events;
  }
}
