import { describe, expect, it } from 'vitest';
import { XTENDER_REGISTERS } from '../../../server/drivers/xtender/registers.ts';
import { findImplausible } from '../../../server/drivers/xtender/watchdog.ts';

describe('xtender plausibility watchdog', () => {
  it('accepts a normal batch', () => {
    const batch = [
      { key: 'battery_voltage', value: 51.2 },
      { key: 'output_current', value: 6.1 },
      { key: 'operating_state', value: 2 },
    ];
    expect(findImplausible(XTENDER_REGISTERS, batch, { battery_voltage: 51 })).toBeUndefined();
  });

  it('flags a value outside the physical bounds of its info', () => {
    const bad = findImplausible(
      XTENDER_REGISTERS,
      [
        { key: 'energy_ac_in_today', value: 3.1 },
        { key: 'output_current', value: 192.4 },
      ],
      {},
    );
    expect(bad).toEqual({ key: 'output_current', value: 192.4, why: 'AC output current 192.4 A is outside -100..100' });
  });

  it('flags an impossible jump but not the first reading', () => {
    expect(findImplausible(XTENDER_REGISTERS, [{ key: 'battery_voltage', value: 26 }], { battery_voltage: 51.5 })?.why).toBe(
      'Battery voltage jumped from 51.5 to 26 V',
    );
    expect(findImplausible(XTENDER_REGISTERS, [{ key: 'battery_voltage', value: 26 }], {})).toBeUndefined();
  });

  it('ignores NaN (published as null) and unknown keys', () => {
    expect(
      findImplausible(
        XTENDER_REGISTERS,
        [
          { key: 'battery_voltage', value: Number.NaN },
          { key: 'nope', value: 1e9 },
        ],
        {},
      ),
    ).toBeUndefined();
  });
});
