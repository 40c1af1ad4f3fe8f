/**
 * What a MeterReading measures, from its ReadingType and description
 * (protocols/ieee2030-5.md §6.2, §7.6), as a Home Assistant register: demand → power W,
 * summations → energy kWh total_increasing, delivered/received from flowDirection,
 * power factor in %. Values are scaled by powerOfTenMultiplier.
 */
import type { RegisterDescriptor } from '../../core/registers.ts';
import type { Reading, ReadingType } from '../../protocols/ieee2030_5/resources.ts';

export const UOM = { A: 5, V: 29, Hz: 33, W: 38, VA: 61, var: 63, cosTheta: 65, VAh: 71, Wh: 72, varh: 73 } as const;
export const ACCUMULATION = { deltaData: 4, summation: 9, instantaneous: 12 } as const;
export const FLOW = { forward: 1, net: 4, reverse: 19 } as const;
const DATA_QUALIFIER_MAXIMUM = 8;
const PHASE_SUFFIX: Record<number, string> = { 128: 'a', 129: 'a', 64: 'b', 65: 'b', 32: 'c', 33: 'c' };

/** A register plus how to turn the meter's raw Int48 into its unit. */
export interface Quantity {
  register: RegisterDescriptor;
  /** Unit value = raw × 10^powerOfTenMultiplier × factor. */
  factor: number;
}

/** Time-of-use MeterReadings share the summation signature; their description names them. */
export function isTouReading(description: string | null, rt: ReadingType): boolean {
  return rt.accumulationBehaviour === ACCUMULATION.summation && (rt.numberOfTouTiers > 0 || /^\s*TOU\b/i.test(description ?? ''));
}

/**
 * The register for a MeterReading's current value, or null for what is not a live value
 * (interval deltas, unknown units). `tier` > 0 names one time-of-use tier.
 */
export function quantityOf(rt: ReadingType, tier = 0): Quantity | null {
  if (rt.accumulationBehaviour === ACCUMULATION.deltaData) return null;
  const flow = flowName(rt.flowDirection);
  const dir = flow ? `_${flow}` : '';
  const dirLabel = flow ? ` ${flow}` : '';
  const tierKey = tier > 0 ? `_tou_${tier}` : '';
  const tierLabel = tier > 0 ? ` (TOU tier ${tier})` : '';
  const summation = rt.accumulationBehaviour === ACCUMULATION.summation;
  const phase = PHASE_SUFFIX[rt.phase];
  const phaseKey = phase ? `_${phase}` : '';
  const phaseLabel = phase ? ` phase ${phase.toUpperCase()}` : '';
  switch (rt.uom) {
    case UOM.W: {
      const max = rt.dataQualifier === DATA_QUALIFIER_MAXIMUM;
      const key = `${max ? 'max_demand' : 'demand'}${rt.flowDirection === FLOW.forward && !max ? '' : dir}${phaseKey}`;
      const name = `${max ? 'Max demand' : 'Demand'}${max || rt.flowDirection !== FLOW.forward ? dirLabel : ''}${phaseLabel}`;
      return measured(key, name, 'W', 'power', 0, 1, ['power']);
    }
    case UOM.Wh:
      if (!summation) return null;
      return counter(`energy${dir}${tierKey}`, `Energy${dirLabel}${tierLabel}`, 'kWh', 'energy', 3, 1e-3);
    case UOM.varh:
      if (!summation) return null;
      return counter(`reactive_energy${dir}${tierKey}`, `Reactive energy${dirLabel}${tierLabel}`, 'varh', 'reactive_energy', 0, 1);
    case UOM.VAh:
      if (!summation) return null;
      // Home Assistant has no apparent-energy class: a counter without a device class.
      return counter(`apparent_energy${dir}${tierKey}`, `Apparent energy${dirLabel}${tierLabel}`, 'VAh', undefined, 0, 1);
    case UOM.cosTheta:
      return measured(`power_factor${phaseKey}`, `Power factor${phaseLabel}`, '%', 'power_factor', 1, 100, ['powerFactor'], {
        min: -100,
        max: 100,
      });
    case UOM.VA:
      return measured(`apparent_power${dir}${phaseKey}`, `Apparent power${dirLabel}${phaseLabel}`, 'VA', 'apparent_power', 0, 1, ['power']);
    case UOM.var:
      return measured(`reactive_power${dir}${phaseKey}`, `Reactive power${dirLabel}${phaseLabel}`, 'var', 'reactive_power', 0, 1, [
        'power',
      ]);
    case UOM.V:
      return measured(`voltage${phaseKey}`, `Voltage${phaseLabel}`, 'V', 'voltage', 1, 1, ['voltage']);
    case UOM.A:
      return measured(`current${phaseKey}`, `Current${phaseLabel}`, 'A', 'current', 2, 1, ['current']);
    case UOM.Hz:
      return measured('frequency', 'Frequency', 'Hz', 'frequency', 2, 1);
    default:
      return null;
  }
}

/** The engineering value in the register's unit; null when absent or marked invalid. */
export function scaledValue(reading: Reading, rt: ReadingType, factor: number): number | null {
  if (reading.value === null) return null;
  if (reading.qualityFlags !== null && (reading.qualityFlags & 1) === 0) return null;
  const scaled = reading.value * 10 ** rt.powerOfTenMultiplier * factor;
  // Decimal scaling in binary floats leaves noise like 85.80000000000001.
  return Number(scaled.toPrecision(12));
}

function flowName(flow: number): string | null {
  if (flow === FLOW.forward) return 'delivered';
  if (flow === FLOW.reverse) return 'received';
  if (flow === FLOW.net) return 'net';
  return null;
}

function measured(
  key: string,
  name: string,
  unit: string,
  deviceClass: string,
  precision: number,
  factor: number,
  groups: string[] = [],
  bounds?: { min: number; max: number },
): Quantity {
  return {
    register: { key, name, unit, deviceClass, stateClass: 'measurement', precision, groups, ...(bounds ? { bounds } : {}) },
    factor,
  };
}

function counter(key: string, name: string, unit: string, deviceClass: string | undefined, precision: number, factor: number): Quantity {
  return {
    register: { key, name, unit, ...(deviceClass ? { deviceClass } : {}), stateClass: 'total_increasing', precision, groups: ['energy'] },
    factor,
  };
}
