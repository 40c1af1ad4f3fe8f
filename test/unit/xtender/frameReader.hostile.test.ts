/** The SCOM stream reader does work linear in its input for every byte pattern. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameReader, encodeFrame, scomChecksum } from '../../../server/protocols/scom/index.ts';

/** Steps per input byte the reader may spend on any pattern (each byte: skip or sum, header check, copy). */
const STEPS_PER_BYTE = 20;

/** A valid header announcing `length` data bytes, without the data. */
function header(length: number, src = 1): Uint8Array {
  const frame = encodeFrame({ flags: 0, src, dst: 2, data: new Uint8Array(length) });
  return frame.subarray(0, 14);
}

/** Valid headers back to back, each announcing 1100 bytes, so every data checksum covers many more headers and fails. */
function nestedHeaders(n: number): Uint8Array {
  const h = header(1100);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = h[i % h.length]!;
  return out;
}

const patterns: Record<string, (n: number) => Uint8Array> = {
  startRun: (n) => new Uint8Array(n).fill(0xaa),
  nestedHeaders,
  // 0xAA followed by bytes whose header checksum almost verifies.
  nearHeaders: (n) => {
    const h = header(5);
    h[13]! ^= 1;
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = h[i % h.length]!;
    return out;
  },
};

function feed(reader: FrameReader, bytes: Uint8Array, chunkSize: number): number {
  let frames = 0;
  for (let i = 0; i < bytes.length; i += chunkSize) frames += reader.push(bytes.subarray(i, i + chunkSize)).length;
  return frames;
}

describe('SCOM frame reader on hostile streams', () => {
  it('a run of headers announcing 1100 bytes, all with bad data, costs a constant per byte (not 1100)', () => {
    const bytes = nestedHeaders(200_000);
    const reader = new FrameReader();
    feed(reader, bytes, 4096);
    expect(reader.badFrames).toBeGreaterThan(1000);
    expect(reader.steps).toBeLessThanOrEqual(STEPS_PER_BYTE * bytes.length);
  });

  it('every adversarial pattern, in any chunking, stays linear and keeps a bounded buffer', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.keys(patterns)),
        fc.integer({ min: 1_000, max: 60_000 }),
        fc.integer({ min: 1, max: 5_000 }),
        (name, n, chunkSize) => {
          const reader = new FrameReader();
          feed(reader, patterns[name]!(n), chunkSize);
          expect(reader.steps).toBeLessThanOrEqual(STEPS_PER_BYTE * n);
          expect(reader.pending).toBeLessThanOrEqual(16 + 1100);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('a valid frame embedded in any adversarial pattern is still found', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.keys(patterns)),
        fc.integer({ min: 0, max: 3_000 }),
        fc.uint8Array({ maxLength: 200 }),
        fc.integer({ min: 1, max: 700 }),
        (name, n, data, chunkSize) => {
          const frame = encodeFrame({ flags: 0x36, src: 101, dst: 1, data });
          // Enough trailing noise to flush any announced length that swallowed the frame.
          const stream = new Uint8Array([...patterns[name]!(n), ...frame, ...new Uint8Array(1200), ...frame]);
          const reader = new FrameReader();
          const found: number[] = [];
          for (let i = 0; i < stream.length; i += chunkSize) {
            for (const f of reader.push(stream.subarray(i, i + chunkSize))) found.push(f.src);
          }
          expect(found).toContain(101);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('gives back the memory of one huge chunk once it is consumed', () => {
    const reader = new FrameReader();
    const small = reader.capacity;
    reader.push(new Uint8Array(4 << 20));
    expect(reader.capacity).toBe(small);
  });

  it('checks data with the same checksum as the encoder', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1100 }), fc.integer({ min: 1, max: 64 }), (data, chunkSize) => {
        const frame = encodeFrame({ flags: 0, src: 7, dst: 8, data });
        expect(Array.from(frame.subarray(frame.length - 2))).toEqual(scomChecksum(data));
        const reader = new FrameReader();
        let got: ReturnType<FrameReader['push']>[number] | undefined;
        for (let i = 0; i < frame.length; i += chunkSize) got = reader.push(frame.subarray(i, i + chunkSize))[0] ?? got;
        expect(got?.data).toEqual(data);
        expect(reader.pending).toBe(0);
      }),
      { numRuns: 100 },
    );
  });
});
