import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { IVY_UNIT_CONVERSIONS, IVY_UNITLESS, ivyQuantity } from '../../../server/core/ivyUnits.ts';
import { DLMS_REGISTERS } from '../../../server/drivers/dlms/registers.ts';
import { DLT645_REGISTERS } from '../../../server/drivers/dlt645/registers.ts';

/** The seed's "Available Registers" units, by register name. */
const SEED_UNITS: Record<string, string> = {
  totalActiveEnergy: 'kWh',
  totalActiveEnergyForward: 'kWh',
  totalActiveEnergyReverse: 'kWh',
  totalActivePower: 'kW',
  activePowerA: 'kW',
  activePowerB: 'kW',
  activePowerC: 'kW',
  totalReactivePower: 'kvar',
  totalApparentPower: 'kVA',
  voltageA: 'V',
  voltageB: 'V',
  voltageC: 'V',
  currentA: 'A',
  currentB: 'A',
  currentC: 'A',
  totalPowerFactor: '-',
  powerFactorA: '-',
  powerFactorB: '-',
  powerFactorC: '-',
  frequency: 'Hz',
};

describe('IVY units', () => {
  it("gives every DL/T 645 register the seed's unit (00020000 keeps the standard's kWh, see DOCS.md)", () => {
    const units = Object.fromEntries(DLT645_REGISTERS.map((r) => [r.key, ivyQuantity(r, 1).unit]));
    expect(units).toMatchObject({ ...SEED_UNITS, totalReactiveEnergy: 'kWh' });
  });

  it('gives DLMS readings the seed\'s DLMS units: W, var, VA, and "-" where there is none', () => {
    const unit = (key: string) => ivyQuantity(DLMS_REGISTERS.find((r) => r.key === key)!, 1).unit;
    expect([unit('ACTIVE_POWER_IMPORT'), unit('REACTIVE_POWER_IMPORT'), unit('APPARENT_POWER_IMPORT')]).toEqual(['W', 'var', 'VA']);
    expect([unit('POWER_FACTOR_TOTAL'), unit('CURRENT_TARIFF')]).toEqual([IVY_UNITLESS, IVY_UNITLESS]);
  });

  it('declares IVY units only on registers whose unit converts to them', () => {
    for (const reg of [...DLT645_REGISTERS, ...DLMS_REGISTERS].filter((r) => r.ivyUnit)) {
      expect(IVY_UNIT_CONVERSIONS[reg.ivyUnit!].from, reg.key).toBe(reg.unit);
    }
  });

  it('converts W to kW exactly as the meter resolves it (0.1 W steps), nulls staying null', () => {
    const power = DLT645_REGISTERS.find((r) => r.key === 'totalActivePower')!;
    fc.assert(
      fc.property(fc.integer({ min: -799_999, max: 799_999 }), (tenthsOfWatt) => {
        const w = tenthsOfWatt / 10;
        const { value, unit } = ivyQuantity(power, w);
        expect(unit).toBe('kW');
        expect(value).toBe(Number((tenthsOfWatt / 10_000).toFixed(4)));
      }),
      { numRuns: 500 },
    );
    expect(ivyQuantity(power, null)).toEqual({ value: null, unit: 'kW' });
  });
});
