/** Victron payloads and topics on hostile input: bounded, clear errors, never a stack overflow. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonDepth } from '../../../server/protocols/json/boundedJson.ts';
import { PAYLOAD_LIMITS, decodePayload } from '../../../server/protocols/victron/payload.ts';
import { MAX_TOPIC_LENGTH, parseNotification } from '../../../server/protocols/victron/topic.ts';

const deepList = (n: number): string => `{"value":${'['.repeat(n)}${']'.repeat(n)}}`;

describe('Victron payload on hostile input', () => {
  it('names a 30,000-deep list instead of overflowing the stack', () => {
    expect(decodePayload(deepList(30_000))).toEqual({ kind: 'invalid', error: 'the payload nests lists or objects more than 16 deep' });
  });

  it('rejects a payload larger than any GX value before decoding it', () => {
    const big = Buffer.from(`{"value":"${'x'.repeat(PAYLOAD_LIMITS.maxLength)}"}`);
    expect(decodePayload(big)).toEqual({ kind: 'invalid', error: expect.stringMatching(/more than 65536/) });
  });

  it('still decodes values whose text is full of brackets, quotes and escapes', () => {
    fc.assert(
      fc.property(fc.constantFrom('[', '{', '"', '\\', ']', '}'), fc.integer({ min: 0, max: 8000 }), (c, n) => {
        const value = c.repeat(n);
        expect(decodePayload(JSON.stringify({ value }))).toEqual({ kind: 'value', value });
      }),
      { numRuns: 60 },
    );
  });

  it('the nesting scan stops at its limit and reads nesting inside strings as text', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 30 }), (depth, limit) => {
        const text = `${'['.repeat(depth)}"[[{"${']'.repeat(depth)}`;
        expect(jsonDepth(text, limit)).toBe(Math.min(depth, limit + 1));
      }),
    );
  });
});

describe('Victron topic on hostile input', () => {
  it('drops topics longer or deeper than any Venus OS topic', () => {
    expect(parseNotification(`N/c0619ab1b2c3/system/0/${'a/'.repeat(MAX_TOPIC_LENGTH)}x`)).toBeUndefined();
    expect(parseNotification(`N/c0619ab1b2c3/system/0/${'a/'.repeat(40)}x`)).toBeUndefined();
    expect(parseNotification('N/c0619ab1b2c3/system/0/Dc/Battery/Soc')).toMatchObject({ kind: 'value', path: 'Dc/Battery/Soc' });
  });
});
