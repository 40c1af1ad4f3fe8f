import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodePayload, encodeKeepalive, encodeWrite } from '../../../server/protocols/victron/payload.ts';

const capture = readFileSync(new URL('../../fixtures/victron/synthetic-ess-single-phase.mqtt.tsv', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l.startsWith('N/'))
  .map((l) => l.split('\t'));

describe('Venus payloads', () => {
  it('decodes every payload of the synthetic capture', () => {
    for (const [topic, payload] of capture) {
      const d = decodePayload(Buffer.from(payload!));
      expect(d.kind, topic).not.toBe('invalid');
    }
    expect(decodePayload('{"max":1000000,"min":-1000000,"value":50}')).toEqual({ kind: 'value', value: 50, min: -1000000, max: 1000000 });
    expect(decodePayload('{"value": 936}')).toEqual({ kind: 'value', value: 936 });
    expect(decodePayload('{"value":null}')).toEqual({ kind: 'value', value: null });
    expect(decodePayload('{"value":52.61000061035156}')).toEqual({ kind: 'value', value: 52.61000061035156 });
    expect(decodePayload('{"full-publish-completed-echo":"sim-1","value":1770162371}')).toMatchObject({ echo: 'sim-1' });
  });

  it('treats a zero-byte payload as "device gone" and garbage as invalid with a reason', () => {
    expect(decodePayload(Buffer.alloc(0))).toEqual({ kind: 'gone' });
    expect(decodePayload('{"value":')).toMatchObject({ kind: 'invalid', error: expect.stringMatching(/not JSON/) });
    expect(decodePayload('[1,2]')).toMatchObject({ kind: 'invalid', error: expect.stringMatching(/value/) });
    expect(decodePayload('{"value":{"a":1}}')).toMatchObject({ kind: 'invalid' });
  });

  it('round-trips written values', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string(), fc.boolean()), (v) => {
        const d = decodePayload(encodeWrite(v));
        return d.kind === 'value' && Object.is(d.value, Object.is(v, -0) ? 0 : v);
      }),
    );
    expect(encodeWrite(-200)).toBe('{"value":-200}');
    expect(encodeWrite(20)).toBe('{"value":20}');
    expect(() => encodeWrite(Number.NaN)).toThrow();
  });

  it('never throws on random or mutated input', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
        decodePayload(b);
      }),
    );
    const base = Buffer.from('{"max":100,"min":0,"value":20}');
    fc.assert(
      fc.property(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 }), (i, byte) => {
        const m = Buffer.from(base);
        m[i] = byte;
        const d = decodePayload(m);
        return ['gone', 'value', 'invalid'].includes(d.kind);
      }),
    );
  });

  it('encodes the keep-alive bodies of both generations', () => {
    expect(encodeKeepalive({ kind: 'full' })).toBe('');
    expect(JSON.parse(encodeKeepalive({ kind: 'suppress' }))).toEqual({ 'keepalive-options': ['suppress-republish'] });
    expect(JSON.parse(encodeKeepalive({ kind: 'echo', token: 't1' }))).toEqual({
      'keepalive-options': [{ 'full-publish-completed-echo': 't1' }],
    });
    expect(JSON.parse(encodeKeepalive({ kind: 'topics', filters: ['vebus/#', 'solarcharger/+/Dc/0/Voltage'] }))).toEqual([
      'vebus/#',
      'solarcharger/+/Dc/0/Voltage',
    ]);
  });
});
