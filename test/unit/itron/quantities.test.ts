import { describe, expect, it } from 'vitest';
import { tableViolations } from '../../../server/core/haRules.ts';
import { knownEndpointsFor } from '../../../server/protocols/ieee2030_5/firmwareTables.ts';
import { pointValue, pointsFromKnownEndpoints, registersOf } from '../../../server/drivers/itron/pollPlan.ts';
import { isTouReading, quantityOf, scaledValue } from '../../../server/drivers/itron/quantities.ts';
import type { ReadingType } from '../../../server/protocols/ieee2030_5/resources.ts';
import { parseSep, parseSepAs } from '../../../server/protocols/ieee2030_5/xml.ts';
import { itronDocument } from '../../support/deviceDocuments.ts';

const rt = (n: number): ReadingType => {
  const r = parseSepAs(itronDocument(`rt_${n}.xml`), 'ReadingType');
  if (!r.ok) throw new Error(r.error);
  return r.value;
};

describe('ReadingType → Home Assistant register', () => {
  it('maps the 22 crawled ReadingTypes to units and classes HA accepts', () => {
    const regs = Array.from({ length: 22 }, (_, i) => quantityOf(rt(i + 1))?.register).filter((r) => r !== undefined);
    expect(tableViolations(regs.filter((r, i) => regs.findIndex((x) => x.key === r.key) === i))).toEqual([]);
  });

  it('demand is power in W; summations are energy kWh total_increasing by flow direction', () => {
    expect(quantityOf(rt(1))?.register).toMatchObject({ key: 'demand', unit: 'W', deviceClass: 'power', stateClass: 'measurement' });
    expect(quantityOf(rt(2))?.register).toMatchObject({
      key: 'energy_received',
      unit: 'kWh',
      deviceClass: 'energy',
      stateClass: 'total_increasing',
    });
    expect(quantityOf(rt(3))?.register).toMatchObject({ key: 'energy_delivered', unit: 'kWh', deviceClass: 'energy' });
    expect(quantityOf(rt(7))?.register).toMatchObject({ key: 'reactive_energy_delivered', unit: 'varh', deviceClass: 'reactive_energy' });
    expect(quantityOf(rt(4))?.register).toMatchObject({ key: 'apparent_energy_received', unit: 'VAh', stateClass: 'total_increasing' });
    expect(quantityOf(rt(18))?.register).toMatchObject({ key: 'max_demand_delivered', unit: 'W' });
    expect(quantityOf(rt(20))?.register).toMatchObject({ key: 'power_factor_a', unit: '%', deviceClass: 'power_factor' });
    expect(quantityOf(rt(9), 2)?.register).toMatchObject({ key: 'energy_delivered_tou_2', name: 'Energy delivered (TOU tier 2)' });
  });

  it('interval (deltaData) types are not live values', () => {
    for (const n of [10, 11, 12, 13, 14, 15, 16]) expect(quantityOf(rt(n))).toBeNull();
  });

  it('tells TOU summations from plain ones', () => {
    expect(isTouReading('TOU WH Received', rt(8))).toBe(true);
    expect(isTouReading('Current Summation Received', rt(2))).toBe(false);
  });

  it('scales by powerOfTenMultiplier and publishes null for missing or invalid values', () => {
    const pf = quantityOf(rt(19))!;
    expect(
      scaledValue(
        { type: 'Reading', href: null, value: 858, qualityFlags: 1, start: null, duration: null, touTier: null, localID: null },
        rt(19),
        pf.factor,
      ),
    ).toBe(85.8);
    const energy = quantityOf(rt(3))!;
    const base = { type: 'Reading' as const, href: null, start: null, duration: null, touTier: null, localID: null };
    expect(scaledValue({ ...base, value: 5839187, qualityFlags: 1 }, rt(3), energy.factor)).toBe(5839.187);
    expect(scaledValue({ ...base, value: 5839187, qualityFlags: 0x10 }, rt(3), energy.factor)).toBeNull();
    expect(scaledValue({ ...base, value: null, qualityFlags: 1 }, rt(3), energy.factor)).toBeNull();
    expect(scaledValue({ ...base, value: 12, qualityFlags: 1 }, { ...rt(1), powerOfTenMultiplier: 3 }, 1)).toBe(12000);
  });
});

describe('firmware endpoint tables (the old bridge)', () => {
  it('picks the table like xcel_itron2mqtt does', () => {
    expect(knownEndpointsFor('3.2.50').version).toBe('3.2.50');
    expect(knownEndpointsFor('3.2.49').version).toBe('3.2.39');
    expect(knownEndpointsFor('3.2.61').version).toBe('3.2.50');
    expect(knownEndpointsFor('2.0.1').version).toBe('3.2.39');
    expect(knownEndpointsFor(null).version).toBe('3.2.39');
  });

  it('its registers pass the HA rules and read the crawled documents', () => {
    const points = pointsFromKnownEndpoints(knownEndpointsFor('3.2.50').endpoints);
    expect(tableViolations(registersOf(points))).toEqual([]);
    const byKey = Object.fromEntries(
      points.map((p) => {
        const body = itronDocument(`${p.path.slice(1).replaceAll('/', '_')}.xml`);
        const doc = parseSep(body);
        return [p.quantity.register.key, doc.ok ? pointValue(p, doc.value) : 'error'];
      }),
    );
    expect(byKey).toMatchObject({
      demand: 982,
      energy_received: 962.157,
      energy_delivered: 5839.187,
      power_factor: 85.8,
      power_factor_a: null,
      max_demand_received: null,
      max_demand_delivered: 5940,
      energy_received_tou_1: null,
    });
  });
});
