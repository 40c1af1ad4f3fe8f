/**
 * Hostile streams cost the frame hunter and the DTU filter work linear in their length: the
 * work is counted (positions classified, candidates checked, bytes dropped), never timed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DtuFilter } from '../../../server/protocols/dlt645/dtu.ts';
import { Dlt645FrameExtractor, MAX_FRAME_LENGTH } from '../../../server/protocols/dlt645/extractor.ts';
import { WORKED_FRAMES, bytes } from './vectors.ts';

const run = (byte: number, max: number) => fc.integer({ min: 1, max }).map((n) => new Uint8Array(n).fill(byte));
/** A header claiming L = 255 (or another large length), with a few bytes after it. */
const hugeHeader = fc
  .tuple(fc.integer({ min: 128, max: 255 }), fc.uint8Array({ maxLength: 20 }))
  .map(([len, tail]) => Uint8Array.from([0x68, 1, 2, 3, 4, 5, 6, 0x68, 0x91, len, ...tail]));
const hostile = fc.oneof(run(0x68, 3000), run(0x16, 3000), run(0xfe, 3000), hugeHeader, fc.uint8Array({ maxLength: 600 }));
const validWire = fc.constantFrom(...WORKED_FRAMES.map((w) => bytes(w.hex)));
const cuts = fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 8 });

function concat(parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(parts.flatMap((p) => [...p]));
}

function* chunked(stream: Uint8Array, sizes: number[]): Generator<Uint8Array> {
  for (let i = 0, k = 0; i < stream.length; k++) {
    const n = sizes[k % sizes.length];
    yield stream.subarray(i, i + n!);
    i += n!;
  }
}

/** Garbage that cannot end a candidate inside the next frame: 0x68 runs are followed by a guard. */
const garbage = fc.oneof(
  run(0x68, 2000).map((r) => concat([r, new Uint8Array(120)])),
  run(0x16, 2000),
  run(0xfe, 2000),
  hugeHeader.map((h) => h.map((b, i) => (i >= 10 && b === 0x68 ? 0 : b))),
  fc.uint8Array({ maxLength: 600 }).map((g) => g.map((b) => (b === 0x68 ? 0 : b))),
);

describe('frame hunter work on hostile streams', () => {
  it('examines each byte a bounded number of times and holds at most one frame, for any mix of hostile runs', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(hostile, validWire), { minLength: 1, maxLength: 12 }), cuts, (parts, sizes) => {
        const stream = concat(parts);
        const ex = new Dlt645FrameExtractor();
        for (const chunk of chunked(stream, sizes)) {
          ex.push(chunk);
          expect(ex.pending).toBeLessThanOrEqual(MAX_FRAME_LENGTH);
        }
        expect(ex.work).toBeLessThanOrEqual(6 * stream.length);
      }),
      { numRuns: 150 },
    );
  });

  it('still finds every valid frame embedded in hostile garbage, however the stream is cut', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(garbage, validWire), { minLength: 1, maxLength: 6 }), cuts, (pairs, sizes) => {
        const stream = concat(pairs.flat());
        const ex = new Dlt645FrameExtractor();
        const found = [...chunked(stream, sizes)].flatMap((c) => ex.push(c));
        expect(found).toHaveLength(pairs.length);
        expect(ex.work).toBeLessThanOrEqual(6 * stream.length);
      }),
      { numRuns: 150 },
    );
  });

  it('a megabyte of 0x68 costs at most six steps a byte and is held in at most one frame', () => {
    const ex = new Dlt645FrameExtractor();
    const chunk = new Uint8Array(64 * 1024).fill(0x68);
    for (let i = 0; i < 16; i++) expect(ex.push(chunk)).toEqual([]);
    expect(ex.work).toBeLessThanOrEqual(6 * 16 * chunk.length);
    expect(ex.pending).toBeLessThanOrEqual(MAX_FRAME_LENGTH);
  });
});

describe('DTU filter work on hostile chunks', () => {
  const registration = fc.oneof(fc.constant('860000000000121'), fc.constant('89860312345678901234'));
  const digitsOrBeats = fc.oneof(
    fc.integer({ min: 1, max: 3000 }).map((n) => new Uint8Array(n).fill(0x31)),
    fc.integer({ min: 1, max: 500 }).map((n) => concat(Array.from({ length: n }, () => Uint8Array.of(0x48, 0x42)))),
    registration.map((r) => Uint8Array.from(Buffer.from(r.repeat(40), 'latin1'))),
    fc.uint8Array({ maxLength: 600 }),
  );

  it('looks at each byte a bounded number of times (digit runs, repeated registrations, heartbeat runs)', () => {
    fc.assert(
      fc.property(fc.array(digitsOrBeats, { minLength: 1, maxLength: 6 }), cuts, (parts, sizes) => {
        const stream = concat(parts);
        const filter = new DtuFilter({ heartbeat: Uint8Array.of(0x48, 0x42) });
        for (const chunk of chunked(stream, sizes)) filter.filter(chunk);
        expect(filter.work).toBeLessThanOrEqual(5 * stream.length);
      }),
      { numRuns: 150 },
    );
  });

  it('keeps the first registration: a later one cannot rename the connection', () => {
    const filter = new DtuFilter({});
    filter.filter(Buffer.from('860000000000121', 'latin1'));
    filter.filter(Buffer.from('860000000000999', 'latin1'));
    expect(filter.registrationId).toBe('860000000000121');
  });
});
