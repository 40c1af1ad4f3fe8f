import { describe, expect, it } from 'vitest';
import { tableViolations } from '../../../server/core/haRules.ts';
import { registersInGroup } from '../../../server/core/registers.ts';
import { DLT645_REGISTERS, registerByKey, scaleValue } from '../../../server/drivers/dlt645/registers.ts';

/** IVY gateway MQTT API (seeds/002), "Available Registers": name → data id, and its groups. */
const IVY = {
  energy: {
    totalActiveEnergy: '00010000',
    totalActiveEnergyForward: '00010100',
    totalActiveEnergyReverse: '00010200',
    totalReactiveEnergy: '00020000',
  },
  power: {
    totalActivePower: '02030000',
    activePowerA: '02030100',
    activePowerB: '02030200',
    activePowerC: '02030300',
    totalReactivePower: '02040000',
    totalApparentPower: '02050000',
  },
  voltage: { voltageA: '02010100', voltageB: '02010200', voltageC: '02010300' },
  current: { currentA: '02020100', currentB: '02020200', currentC: '02020300' },
  powerFactor: { totalPowerFactor: '02060000', powerFactorA: '02060100', powerFactorB: '02060200', powerFactorC: '02060300' },
};

describe('DL/T 645 register table', () => {
  it('obeys Home Assistant device-class rules', () => {
    expect(tableViolations(DLT645_REGISTERS)).toEqual([]);
  });

  it.each(Object.entries(IVY))("group %s holds exactly IVY's registers with IVY's data ids", (group, members) => {
    const regs = registersInGroup(DLT645_REGISTERS, group);
    expect(Object.fromEntries(regs.map((r) => [r.key, r.id]))).toEqual(members);
  });

  it('polls every IVY register, frequency included, as part of "all"', () => {
    const all = registersInGroup(DLT645_REGISTERS, 'all').map((r) => r.key);
    const ivy = [...Object.values(IVY).flatMap((g) => Object.keys(g)), 'frequency'];
    expect(all.sort()).toEqual(ivy.sort());
    expect(registerByKey('frequency')?.id).toBe('02800002');
  });

  it('describes the mislabelled IVY energy DIs by what the standard says they hold', () => {
    expect(registerByKey('totalActiveEnergy')?.description).toMatch(/forward \(import\) active energy, total/i);
    const exported = registerByKey('totalReactiveEnergy');
    expect(exported).toMatchObject({ unit: 'kWh', deviceClass: 'energy', stateClass: 'total_increasing' });
    expect(exported?.description).toMatch(/reverse \(export\) active energy/i);
  });

  it('publishes power in W, reactive in var, apparent in VA, PF without unit', () => {
    expect(registerByKey('totalActivePower')).toMatchObject({ unit: 'W', scale: 1000, deviceClass: 'power' });
    expect(registerByKey('totalReactivePower')).toMatchObject({ unit: 'var', deviceClass: 'reactive_power' });
    expect(registerByKey('totalApparentPower')).toMatchObject({ unit: 'VA', deviceClass: 'apparent_power' });
    expect(registerByKey('totalPowerFactor')?.unit).toBeUndefined();
    expect(registerByKey('combinedReactiveEnergy1')).toMatchObject({ unit: 'kvarh', deviceClass: 'reactive_energy' });
  });

  it('signs exactly the quantities the standard marks signed', () => {
    const signed = DLT645_REGISTERS.filter((r) => r.format.signed).map((r) => r.key);
    for (const key of signed) expect(key).toMatch(/Power|current|PowerFactor|powerFactor|combined|Temperature/);
    expect(registerByKey('totalActiveEnergy')?.format.signed).toBe(false);
    expect(registerByKey('voltageA')?.format.signed).toBe(false);
  });

  it('scales kW to W without float noise', () => {
    const power = registerByKey('totalActivePower')!;
    expect(scaleValue(power, 1.2345)).toBe(1234.5);
    expect(scaleValue(power, -0.0001)).toBe(-0.1);
    expect(scaleValue(power, null)).toBeNull();
    expect(scaleValue(registerByKey('voltageA')!, 230.1)).toBe(230.1);
  });
});
