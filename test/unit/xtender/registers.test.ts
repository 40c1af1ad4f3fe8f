import { describe, expect, it } from 'vitest';
import { tableViolations } from '../../../server/core/haRules.ts';
import { platformOf } from '../../../server/core/registers.ts';
import { FAMILY_REGISTERS } from '../../../server/drivers/xtender/registers.ts';

describe('xtender register tables', () => {
  it.each(Object.entries(FAMILY_REGISTERS))('%s follows the Home Assistant rules', (_family, table) => {
    expect(tableViolations(table)).toEqual([]);
  });

  it('parameters are config entities of the right platform; infos are polled sensors', () => {
    const all = Object.values(FAMILY_REGISTERS).flat();
    for (const reg of all.filter((r) => r.objectType === 'parameter')) {
      expect(reg.entityCategory).toBe('config');
      expect(reg.onDemand).toBe(true);
      expect(['number', 'select', 'switch']).toContain(platformOf(reg));
    }
    expect(platformOf(all.find((r) => r.objectId === 1552)!)).toBe('select');
    expect(platformOf(all.find((r) => r.objectId === 1124)!)).toBe('switch');
    const fast = FAMILY_REGISTERS.xtender.filter((r) => r.poll === 'fast').map((r) => r.key);
    expect(fast).toEqual(expect.arrayContaining(['output_current', 'output_active_power']));
  });

  it('every polled number has physical bounds and enums use their SCOM format', () => {
    const all = Object.values(FAMILY_REGISTERS).flat();
    for (const reg of all.filter((r) => r.objectType === 'info' && r.poll && r.type === undefined))
      expect(reg.bounds, reg.key).toBeDefined();
    for (const reg of all.filter((r) => r.objectType === 'info' && r.type === 'enum')) expect(reg.format).toBe('short_enum');
  });
});
