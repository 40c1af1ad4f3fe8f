/**
 * Threshold alarms (voltage_high/low, current_high, power_factor_low): an event when a
 * value crosses its threshold and another when it comes back, never one per poll.
 */
import type { DeviceEvent } from '../../core/hub.ts';
import type { RegisterValue } from '../../core/registers.ts';

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

const PHASES = ['A', 'B', 'C'];

function rules(t: Thresholds): Rule[] {
  return [
    ...PHASES.flatMap((phase): Rule[] => [
      {
        event: 'voltage_high',
        key: `voltage${phase}`,
        phase,
        threshold: t.voltage_high,
        beyond: (v) => v > t.voltage_high,
        what: 'Voltage exceeded threshold',
      },
      // 0 V is a phase that is not wired, not a sag.
      {
        event: 'voltage_low',
        key: `voltage${phase}`,
        phase,
        threshold: t.voltage_low,
        beyond: (v) => v > 0 && v < t.voltage_low,
        what: 'Voltage below threshold',
      },
      {
        event: 'current_high',
        key: `current${phase}`,
        phase,
        threshold: t.current_high,
        beyond: (v) => Math.abs(v) > t.current_high,
        what: 'Current exceeded threshold',
      },
      {
        event: 'power_factor_low',
        key: `powerFactor${phase}`,
        phase,
        threshold: t.power_factor_low,
        beyond: (v) => v !== 0 && Math.abs(v) < t.power_factor_low,
        what: 'Power factor below threshold',
      },
    ]),
    {
      event: 'power_factor_low',
      key: 'totalPowerFactor',
      phase: 'total',
      threshold: t.power_factor_low,
      beyond: (v) => v !== 0 && Math.abs(v) < t.power_factor_low,
      what: 'Power factor below threshold',
    },
  ];
}

/** Every meter shares its driver's thresholds: the rules are built once per thresholds object. */
const SHARED_RULES = new WeakMap<Thresholds, Rule[]>();

function sharedRules(t: Thresholds): Rule[] {
  let built = SHARED_RULES.get(t);
  if (!built) {
    built = rules(t);
    SHARED_RULES.set(t, built);
  }
  return built;
}

export class ThresholdWatch {
  private readonly rules: Rule[];
  /** Bit i set while rule i is beyond its threshold (13 rules: one number per meter). */
  private active = 0;

  constructor(thresholds: Thresholds) {
    this.rules = sharedRules(thresholds);
  }

  /** Events for the thresholds these readings crossed (either way). */
  check(values: ReadonlyMap<string, RegisterValue>): DeviceEvent[] {
    const events: DeviceEvent[] = [];
    for (let i = 0; i < this.rules.length; i++) {
      const rule = this.rules[i];
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
