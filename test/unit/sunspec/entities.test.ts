/**
 * Every model's points as Home Assistant entities: each descriptor passes the rule test,
 * energy accumulators are kWh `total_increasing`, repeating groups give an entity per
 * instance, and control points are writable only when the user allows writes.
 */
import { describe, expect, it } from 'vitest';
import { tableViolations } from '../../../server/core/haRules.ts';
import { decodeModel, encodeModel } from '../../../server/protocols/sunspec/block.ts';
import { MODELS } from '../../../server/protocols/sunspec/definitions.ts';
import { modelEntities, modelPrefix, ratingsOf } from '../../../server/drivers/sunspec/entities.ts';
import { sunspecDevice } from '../../../server/drivers/sunspec/options.ts';

function entitiesOf(id: number, allowWrites: boolean, counts: Record<string, number> = {}) {
  const def = MODELS.get(id)!;
  const regs = encodeModel(def, { values: {}, counts });
  const model = { id, address: 40070, length: regs.length - 2 };
  return modelEntities(model, decodeModel(def, regs), { allowWrites, prefix: modelPrefix(id, new Set()) });
}

describe('SunSpec entities', () => {
  it.each([...MODELS.keys()].filter((id) => id !== 1))('model %i: every descriptor passes the Home Assistant rules', (id) => {
    const counts = { module: 2, Prt: 2 };
    expect(tableViolations(entitiesOf(id, true, counts).map((e) => e.register))).toEqual([]);
    expect(tableViolations(entitiesOf(id, false, counts).map((e) => e.register))).toEqual([]);
  });

  it('publishes energy accumulators in kWh as total_increasing, and power, voltage, temperature and state with their classes', () => {
    const byKey = new Map(entitiesOf(103, false).map((e) => [e.register.key, e]));
    expect(byKey.get('inverter_wh')).toMatchObject({
      divisor: 1000,
      register: { unit: 'kWh', deviceClass: 'energy', stateClass: 'total_increasing' },
    });
    expect(byKey.get('inverter_w')?.register).toMatchObject({ unit: 'W', deviceClass: 'power', stateClass: 'measurement' });
    expect(byKey.get('inverter_phvpha')?.register).toMatchObject({ unit: 'V', deviceClass: 'voltage' });
    expect(byKey.get('inverter_tmpcab')?.register).toMatchObject({ unit: '°C', deviceClass: 'temperature' });
    expect(byKey.get('inverter_hz')?.register).toMatchObject({ unit: 'Hz', deviceClass: 'frequency' });
    const st = byKey.get('inverter_st')?.register;
    expect(st).toMatchObject({ type: 'enum', deviceClass: 'enum' });
    expect(st?.options?.[st.enumValues?.indexOf(4) ?? -1]).toBe('MPPT');
    expect(byKey.has('inverter_w_sf')).toBe(false);
  });

  it('gives each MPPT string its own DC entities, and the battery its state of charge', () => {
    const keys = entitiesOf(160, false, { module: 2 }).map((e) => e.register.key);
    for (const n of [1, 2]) for (const p of ['dca', 'dcv', 'dcw', 'dcwh']) expect(keys).toContain(`mppt_module${n}_${p}`);
    expect(entitiesOf(124, false).find((e) => e.register.key === 'storage_chastate')?.register).toMatchObject({
      unit: '%',
      deviceClass: 'battery',
    });
  });

  it('offers control points as writable only with allow_writes, within the point’s limits', () => {
    const on = entitiesOf(123, true).find((e) => e.register.key === 'controls_wmaxlimpct')?.register;
    expect(on).toMatchObject({ writable: true, min: 0, max: 100 });
    const off = entitiesOf(123, false).find((e) => e.register.key === 'controls_wmaxlimpct')?.register;
    expect(off).toMatchObject({ writable: false, writesOff: true });
    // Measurement models never take writes, whatever the access in the definition says.
    expect(entitiesOf(103, true).some((e) => e.register.writable)).toBe(false);
  });

  it('bounds power controls by the nameplate: the charge rate, else the power rating', () => {
    const def = MODELS.get(124)!;
    const regs = encodeModel(def, { values: { WChaMax_SF: 0, VAChaMax_SF: 0 } });
    const model = { id: 124, address: 40176, length: regs.length - 2 };
    const nameplate = (values: Record<string, number>) => decodeModel(MODELS.get(120)!, encodeModel(MODELS.get(120)!, { values }));
    const limits = (ratings: Record<string, number>) => {
      const entities = modelEntities(model, decodeModel(def, regs), {
        allowWrites: true,
        prefix: 'storage',
        ratings: ratingsOf(nameplate(ratings)),
      });
      const at = (key: string) => entities.find((e) => e.register.key === key)?.register;
      return { w: at('storage_wchamax')?.max, va: at('storage_vachamax')?.max };
    };
    expect(limits({ WRtg: 10_000, WRtg_SF: 0, MaxChaRte: 5600, MaxChaRte_SF: 0, VARtg: 11_000, VARtg_SF: 0 })).toEqual({
      w: 5600,
      va: 11_000,
    });
    expect(limits({ WRtg: 10_000, WRtg_SF: 0 })).toEqual({ w: 10_000, va: 65_534 });
  });

  it('takes a second model of the same family under its own prefix', () => {
    expect(modelPrefix(213, new Set(['meter']))).toBe('meter_213');
    expect(modelPrefix(999, new Set())).toBe('model999');
  });

  it('defaults an entry to port 502 and unit 1, and refuses an empty host', () => {
    expect(sunspecDevice.parse({ host: '10.0.0.9' })).toMatchObject({ port: 502, unit_id: 1, allow_writes: false, max_registers: 125 });
    expect(sunspecDevice.safeParse({ host: '' }).success).toBe(false);
  });
});
