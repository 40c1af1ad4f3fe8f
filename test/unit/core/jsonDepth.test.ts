import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { exceedsJsonDepth } from '../../../server/web/jsonDepth.ts';

/** Nesting of a parsed JSON value: a scalar is 0, `[]` and `{}` are 1. */
function depthOf(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  const children = Object.values(value as Record<string, unknown>);
  return 1 + children.reduce<number>((m, v) => Math.max(m, depthOf(v)), 0);
}

describe('JSON nesting bound', () => {
  it('agrees with the depth of the parsed value, brackets inside strings not counted', () => {
    fc.assert(
      fc.property(fc.json({ depthSize: 'large' }), fc.integer({ min: 0, max: 12 }), (text, limit) => {
        expect(exceedsJsonDepth(text, limit)).toBe(depthOf(JSON.parse(text)) > limit);
      }),
    );
    expect(exceedsJsonDepth('{"a":"[[[[[[\\\\\\"[[["}', 1)).toBe(false);
  });

  it('stops at the first level beyond the limit', () => {
    const deep = '['.repeat(50_000) + ']'.repeat(50_000);
    expect(exceedsJsonDepth(deep, 64)).toBe(true);
    expect(exceedsJsonDepth('[[1],[2]]', 2)).toBe(false);
  });
});
