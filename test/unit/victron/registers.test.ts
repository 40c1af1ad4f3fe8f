import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tableViolations } from '../../../server/core/haRules.ts';
import { concretePath, extraRegister, templateFor, VICTRON_REGISTERS } from '../../../server/drivers/victron/registers.ts';
import { isValidFilter } from '../../../server/protocols/victron/topic.ts';

const capturePaths = readFileSync(new URL('../../fixtures/victron/synthetic-ess-single-phase.mqtt.tsv', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l.startsWith('N/'))
  .map((l) => l.split('\t')[0]!.split('/').slice(2).join('/'));

describe('Victron register table', () => {
  it('follows the Home Assistant rules', () => {
    expect(tableViolations(VICTRON_REGISTERS)).toEqual([]);
  });

  it('uses path templates as ids, each usable as a keep-alive filter', () => {
    for (const r of VICTRON_REGISTERS) expect(isValidFilter(r.id), r.id).toBe(true);
    expect(new Set(VICTRON_REGISTERS.map((r) => r.id)).size).toBe(VICTRON_REGISTERS.length);
  });

  it('covers the useful paths of the capture', () => {
    for (const p of [
      'system/0/Ac/Grid/L1/Power',
      'system/0/Ac/Consumption/L1/Power',
      'system/0/Dc/Pv/Power',
      'system/0/Dc/Battery/Soc',
      'system/0/Dc/Battery/Voltage',
      'system/0/Dc/Battery/Current',
      'system/0/Dc/Battery/Power',
      'vebus/276/State',
      'settings/0/Settings/CGwacs/AcPowerSetPoint',
      'grid/30/Ac/Energy/Forward',
      'battery/512/Soc',
      'solarcharger/279/Yield/Power',
    ]) {
      expect(capturePaths).toContain(p);
      expect(templateFor(VICTRON_REGISTERS, p), p).toBeDefined();
    }
    expect(templateFor(VICTRON_REGISTERS, 'grid/30/Ac/Energy/Forward')).toMatchObject({
      unit: 'kWh',
      deviceClass: 'energy',
      stateClass: 'total_increasing',
    });
    expect(templateFor(VICTRON_REGISTERS, 'battery/512/Soc')).toMatchObject({ unit: '%', deviceClass: 'battery' });
  });

  it('declares the ESS and charger settings writable with limits', () => {
    const writable = VICTRON_REGISTERS.filter((r) => r.writable).map((r) => r.id);
    expect(writable).toEqual(
      expect.arrayContaining([
        'settings/0/Settings/CGwacs/AcPowerSetPoint',
        'settings/0/Settings/CGwacs/BatteryLife/MinimumSocLimit',
        'settings/0/Settings/SystemSetup/MaxChargeCurrent',
        'vebus/+/Hub4/L1/AcPowerSetpoint',
        'vebus/+/Mode',
      ]),
    );
    expect(VICTRON_REGISTERS.filter((r) => !r.writable).some((r) => r.id === 'system/0/Dc/Battery/Soc')).toBe(true);
  });

  it('makes concrete paths and registers for extra paths', () => {
    expect(concretePath('battery/+/Soc', '512')).toBe('battery/512/Soc');
    expect(concretePath('system/0/Serial', '7')).toBe('system/0/Serial');
    const extra = extraRegister('tank', '20', 'Level', 55);
    expect(extra).toMatchObject({ id: 'tank/+/Level', key: 'tank_level', type: 'number' });
    expect(extraRegister('system', '0', 'Ac/Consumption/NumberOfPhases', 1).id).toBe('system/0/Ac/Consumption/NumberOfPhases');
    expect(extraRegister('vebus', '276', 'ProductName', 'Multi').type).toBe('text');
    expect(tableViolations([extra])).toEqual([]);
  });
});
