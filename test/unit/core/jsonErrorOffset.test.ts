import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonErrorOffset } from '../../../server/options/jsonErrorOffset.ts';

/** JSON text with one character inserted, replaced or removed somewhere. */
const mutatedJson = fc
  .tuple(fc.jsonValue(), fc.nat(), fc.constantFrom('insert', 'replace', 'remove'), fc.constantFrom(...'{}[],:"\\tfn0-. x\n'))
  .map(([value, at, how, c]) => {
    const text = JSON.stringify(value, null, 1) ?? 'null';
    const i = at % (text.length + 1);
    if (how === 'insert') return text.slice(0, i) + c + text.slice(i);
    return text.slice(0, i) + (how === 'replace' ? c : '') + text.slice(i + 1);
  });

function v8Offset(text: string): number | undefined {
  try {
    JSON.parse(text);
    return -1;
  } catch (err) {
    const stated = /at position (\d+)/.exec((err as Error).message);
    return stated ? Number(stated[1]) : undefined;
  }
}

describe('jsonErrorOffset', () => {
  it('finds no mistake in valid JSON', () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => jsonErrorOffset(JSON.stringify(value, null, 2) ?? 'null') === -1));
  });

  it('agrees with JSON.parse on whether a text is valid, and on the position wherever JSON.parse states one', () => {
    fc.assert(
      fc.property(mutatedJson, (text) => {
        const stated = v8Offset(text);
        const found = jsonErrorOffset(text);
        expect(found === -1).toBe(stated === -1);
        if (stated !== undefined) expect(found).toBe(stated);
        expect(found).toBeLessThanOrEqual(text.length);
      }),
      { numRuns: 2000 },
    );
  });

  it('points at the first wrong character where JSON.parse names only the token', () => {
    expect(jsonErrorOffset('{"a": tru}')).toBe(9);
    expect(jsonErrorOffset('x')).toBe(0);
    expect(jsonErrorOffset('')).toBe(0);
    expect(jsonErrorOffset('{"a": 1')).toBe(7);
  });

  it('handles deep nesting without recursion', () => {
    expect(jsonErrorOffset('['.repeat(1_000_000))).toBe(1_000_000);
    expect(jsonErrorOffset(`${'['.repeat(100_000)}${']'.repeat(100_000)}`)).toBe(-1);
  });
});
