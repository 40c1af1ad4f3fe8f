/** Property-based checks: round trips hold and no input, random or mutated, makes the codec throw. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FrameReader,
  decodeFrame,
  decodeMessage,
  decodeResponse,
  decodeService,
  decodeValue,
  encodeFrame,
  encodeService,
  encodeValue,
  type ScomFormat,
} from '../../../server/protocols/scom/index.ts';

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const frameArb = fc.record({
  flags: fc.integer({ min: 0, max: 0xff }),
  src: u32,
  dst: u32,
  data: fc.uint8Array({ maxLength: 300 }),
});
const serviceArb = fc.record({
  flags: fc.integer({ min: 0, max: 0xff }),
  serviceId: fc.integer({ min: 0, max: 0xff }),
  objectType: fc.integer({ min: 0, max: 0xffff }),
  objectId: u32,
  propertyId: fc.integer({ min: 0, max: 0xffff }),
  data: fc.uint8Array({ maxLength: 64 }),
});

describe('SCOM codec properties', () => {
  it('frames round-trip', () => {
    fc.assert(
      fc.property(frameArb, (f) => {
        const decoded = decodeFrame(encodeFrame(f));
        expect(decoded).toEqual({ ok: true, value: f });
      }),
    );
  });

  it('service data round-trips', () => {
    fc.assert(
      fc.property(serviceArb, (s) => {
        expect(decodeService(encodeService(s))).toEqual({ ok: true, value: s });
      }),
    );
  });

  it('values round-trip in every format', () => {
    const cases: fc.Arbitrary<[ScomFormat, number]>[] = [
      fc.float({ noNaN: true, noDefaultInfinity: true }).map((v) => ['float', v] as [ScomFormat, number]),
      fc.integer({ min: -0x80000000, max: 0x7fffffff }).map((v) => ['int32', v] as [ScomFormat, number]),
      fc.integer({ min: 0, max: 0xffff }).map((v) => ['short_enum', v] as [ScomFormat, number]),
      fc.integer({ min: 0, max: 0xffffffff }).map((v) => ['long_enum', v] as [ScomFormat, number]),
      fc.integer({ min: 0, max: 1 }).map((v) => ['bool', v] as [ScomFormat, number]),
    ];
    fc.assert(
      fc.property(fc.oneof(...cases), ([format, v]) => {
        const back = decodeValue(format, encodeValue(format, v));
        expect(back).toEqual({ ok: true, value: v });
      }),
    );
  });

  it('mutated frames never throw and never decode as valid with a changed header', () => {
    fc.assert(
      fc.property(frameArb, fc.nat(), fc.integer({ min: 1, max: 255 }), (f, pos, flip) => {
        const bytes = encodeFrame(f);
        const i = pos % bytes.length;
        bytes[i]! ^= flip;
        const decoded = decodeFrame(bytes);
        // A single-byte change in a checksummed range is always caught by the Fletcher sums.
        if (i !== 0) expect(decoded.ok).toBe(false);
        const reader = new FrameReader();
        expect(() => reader.push(bytes)).not.toThrow();
        if (decoded.ok) expect(decodeResponse(decoded.value)).toBeDefined();
      }),
    );
  });

  it('random byte streams never throw anywhere in the decoder chain', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 80 }), { maxLength: 8 }), (chunks) => {
        const reader = new FrameReader();
        for (const chunk of chunks) {
          for (const frame of reader.push(chunk)) {
            const res = decodeResponse(frame);
            if (res.ok && res.value.kind === 'value') {
              decodeValue('float', res.value.data);
              decodeMessage(res.value.data);
            }
          }
        }
        decodeService(chunks[0] ?? new Uint8Array(0));
      }),
    );
  });

  it('a valid frame is found after any garbage prefix', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), frameArb, (garbage, f) => {
        const reader = new FrameReader();
        const frames = [...reader.push(garbage), ...reader.push(encodeFrame(f))];
        expect(frames.some((x) => x.src === f.src && x.dst === f.dst && x.data.length === f.data.length)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
