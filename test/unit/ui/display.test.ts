import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { groupChars } from '../../../ui/src/hexGroups.ts';
import { sparklinePath } from '../../../ui/src/sparkline.ts';
import { formatAge, formatValue } from '../../../ui/src/format.ts';

describe('LFDI grouping', () => {
  it('groups 40 hex digits in ten groups of four', () => {
    const lfdi = '3E4F45AB31EDFE5B67E343E5E4562E31984E23E5';
    expect(groupChars(lfdi, 4)).toBe('3E4F 45AB 31ED FE5B 67E3 43E5 E456 2E31 984E 23E5');
  });

  it('keeps every character in order, whatever the input spacing', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'0123456789ABCDEF ') }), fc.integer({ min: 1, max: 8 }), (s, n) => {
        const grouped = groupChars(s, n);
        expect(grouped.replace(/ /g, '')).toBe(s.replace(/\s/g, ''));
        for (const g of grouped.split(' ').filter(Boolean).slice(0, -1)) expect(g.length).toBe(n);
      }),
    );
  });
});

describe('sparkline path', () => {
  it('spans the window: oldest at the left, newest at the right, highest value at the top', () => {
    const d = sparklinePath(
      [
        [0, 10],
        [50, 20],
        [100, 0],
      ],
      100,
      22,
      0,
      100,
    );
    expect(d).toBe('M0,11L50,1L100,21');
  });

  it('draws a flat series across the middle and leaves points outside the window out', () => {
    expect(
      sparklinePath(
        [
          [-5, 99],
          [10, 3],
          [20, 3],
        ],
        100,
        20,
        0,
        100,
      ),
    ).toBe('M10,10L20,10');
  });

  it('is empty without points in the window and a dash for a single point', () => {
    expect(sparklinePath([], 100, 20, 0, 100)).toBe('');
    expect(sparklinePath([[500, 1]], 100, 20, 0, 100)).toBe('');
    expect(sparklinePath([[100, 1]], 100, 20, 0, 100)).toBe('M98,10L100,10');
  });

  it('stays inside the box for any series', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3600 }), fc.double({ noNaN: true, min: -1e9, max: 1e9 })), { maxLength: 50 }),
        (pts) => {
          const sorted = [...pts].sort((a, b) => a[0] - b[0]);
          const d = sparklinePath(sorted, 96, 24, 0, 3600);
          for (const m of d.matchAll(/[ML](-?[\d.]+),(-?[\d.]+)/g)) {
            expect(Number(m[1])).toBeGreaterThanOrEqual(0);
            expect(Number(m[1])).toBeLessThanOrEqual(96);
            expect(Number(m[2])).toBeGreaterThanOrEqual(0);
            expect(Number(m[2])).toBeLessThanOrEqual(24);
          }
        },
      ),
    );
  });
});

describe('value display', () => {
  it('formats values with their precision and ages in the largest sensible unit', () => {
    expect(formatValue(230.456, 1)).toBe('230.5');
    expect(formatValue(12345.6, 0)).toBe('12346');
    expect(formatValue(null)).toBe('—');
    expect(formatValue(54.400001525878906)).toBe('54.4');
    expect(formatValue(0.1234567)).toBe('0.123');
    expect(formatValue(true)).toBe('on');
    expect(formatAge(4_200)).toBe('4 s');
    expect(formatAge(12 * 60_000)).toBe('12 min');
    expect(formatAge(3 * 3_600_000)).toBe('3 h');
  });
});
