import { describe, expect, it } from 'vitest';
import { nearestIndex, niceTicks, tickDecimals } from '../../../ui/src/chartGeometry.ts';
import { optionLabel, optionsPlace, words } from '../../../ui/src/labels.ts';
import { displayReading, shownAs, writeBoxText } from '../../../ui/src/quantity.ts';
import type { RegisterView } from '../../../ui/src/types.ts';

const reg = (r: Partial<RegisterView>): RegisterView => ({ key: 'k', name: 'K', ...r });

describe('labels, not codes', () => {
  it('says statistics keys in words, with their unit in brackets', () => {
    expect(words('ignoredRetainedCommands')).toBe('Ignored retained commands');
    expect(words('eventLoopDelayP99Ms')).toBe('Event loop delay p99 (ms)');
    expect(words('unknownObis')).toBe('Unknown OBIS');
    expect(words('0x12 raw')).toBe('0x12 raw');
  });

  it('shows enum codes as labels and leaves labels the device gave alone', () => {
    expect(optionLabel('feeding_mpp')).toBe('Feeding MPP');
    expect(optionLabel('optimized_with_battery_life')).toBe('Optimized with battery life');
    expect(optionLabel('Charge V')).toBe('Charge V');
    expect(displayReading(reg({ type: 'enum', options: ['off', 'feeding_mpp'] }), 'feeding_mpp')).toEqual({
      text: 'Feeding MPP',
      unit: '',
    });
  });

  it('names the options entry a device comes from', () => {
    expect(optionsPlace('dlms_meters[0]')).toBe('DLMS meters, entry 1');
    expect(optionsPlace('listener')).toBe('listener');
  });
});

describe('one unit per quantity, to the register precision', () => {
  it('shows power in W and energy in kWh whatever the driver reports', () => {
    expect(displayReading(reg({ unit: 'kW', precision: 3 }), 1.234)).toEqual({ text: '1234', unit: 'W' });
    expect(displayReading(reg({ unit: 'MWh', precision: 3 }), 12.3456)).toEqual({ text: '12346', unit: 'kWh' });
    expect(displayReading(reg({ unit: 'Wh', precision: 0 }), 1234567)).toEqual({ text: '1234.567', unit: 'kWh' });
    expect(displayReading(reg({ unit: 'V', precision: 1 }), 229.94)).toEqual({ text: '229.9', unit: 'V' });
    expect(shownAs({ unit: 'kW' })).toEqual({ unit: 'W', factor: 1000, precision: undefined });
  });

  it('pre-fills a write box without float noise, in the register unit', () => {
    expect(writeBoxText(reg({ unit: 'V', step: 0.1 }), 57.599998474121094)).toBe('57.6');
    expect(writeBoxText(reg({ unit: 'V', precision: 2 }), 57.599998474121094)).toBe('57.6');
    expect(writeBoxText(reg({}), 57.599998474121094)).toBe('57.6');
    expect(writeBoxText(reg({}), 12345678)).toBe('12345678');
    expect(writeBoxText(reg({ unit: 'kW', step: 0.001 }), 1.5)).toBe('1.5');
    expect(writeBoxText(reg({ type: 'bool' }), true)).toBe('true');
    expect(writeBoxText(reg({}), null)).toBe('');
  });
});

describe('chart geometry', () => {
  it('picks round ticks that cover the values', () => {
    expect(niceTicks(0, 100)).toEqual([0, 50, 100]);
    const ticks = niceTicks(1546.2, 1550.4);
    expect(ticks[0]).toBeLessThanOrEqual(1546.2);
    expect(ticks.at(-1)).toBeGreaterThanOrEqual(1550.4);
    expect(ticks.every((t, i) => i === 0 || t > ticks[i - 1]!)).toBe(true);
    expect(niceTicks(5, 5).length).toBeGreaterThan(1);
    expect(tickDecimals([0.1, 0.2])).toBe(1);
  });

  it('finds the point nearest to a time', () => {
    expect(nearestIndex([], 5)).toBe(-1);
    expect(nearestIndex([0, 10, 20], 14)).toBe(1);
    expect(nearestIndex([0, 10, 20], 16)).toBe(2);
    expect(nearestIndex([0, 10, 20], -5)).toBe(0);
  });
});
