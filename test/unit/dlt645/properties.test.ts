import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DtuFilter } from '../../../server/protocols/dlt645/dtu.ts';
import { Dlt645FrameError } from '../../../server/protocols/dlt645/errors.ts';
import { Dlt645FrameExtractor } from '../../../server/protocols/dlt645/extractor.ts';
import { decodeFrame, encodeFrame } from '../../../server/protocols/dlt645/frame.ts';
import { parseReply, readDataReply } from '../../../server/protocols/dlt645/messages.ts';
import { decodeBcdValue, encodeBcdValue, type ValueFormat } from '../../../server/protocols/dlt645/values.ts';
import { WORKED_FRAMES, bytes } from './vectors.ts';

const address = fc.stringMatching(/^[0-9]{12}$/);
const di = fc.stringMatching(/^[0-9A-F]{8}$/);
const format: fc.Arbitrary<ValueFormat> = fc.record({
  bytes: fc.integer({ min: 1, max: 4 }),
  decimals: fc.integer({ min: 0, max: 4 }),
  signed: fc.boolean(),
});
const valueIn = (f: ValueFormat) => {
  const digits = f.bytes * 2 - (f.signed ? 1 : 0);
  const max = 10 ** digits - 1;
  return fc.integer({ min: f.signed ? -max : 0, max }).map((n) => n / 10 ** f.decimals);
};
const validWire = fc.constantFrom(...WORKED_FRAMES.map((w) => bytes(w.hex)));

describe('codec properties', () => {
  it('encode → decode returns the frame and the value (random addresses, DIs, values)', () => {
    fc.assert(
      fc.property(
        address,
        di,
        format.chain((f) => fc.tuple(fc.constant(f), valueIn(f))),
        fc.integer({ min: 0, max: 4 }),
        (addr, id, [f, v], pre) => {
          const wire = encodeFrame(readDataReply(addr, id, encodeBcdValue(v, f)), pre);
          const reply = parseReply(decodeFrame(wire));
          expect(reply).toMatchObject({ kind: 'data', address: addr, di: id });
          if (reply.kind === 'data') expect(decodeBcdValue(reply.value, f)).toBe(v === 0 ? 0 : v);
        },
      ),
    );
  });

  it('random bytes never throw from the extractor, and decodeFrame throws only Dlt645FrameError', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 8 }), (chunks) => {
        const ex = new Dlt645FrameExtractor();
        for (const c of chunks) for (const f of ex.push(c)) parseReply(f);
        try {
          decodeFrame(Uint8Array.from(chunks.flatMap((c) => [...c])));
        } catch (err) {
          expect(err).toBeInstanceOf(Dlt645FrameError);
        }
      }),
    );
  });

  it('mutated valid frames never throw and yield at most one frame', () => {
    fc.assert(
      fc.property(
        validWire,
        fc.array(fc.tuple(fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 1 })), { minLength: 1, maxLength: 3 }),
        (wire, edits) => {
          const mutated = Uint8Array.from(wire);
          for (const [pos, [b]] of edits) mutated[pos % mutated.length] = b!;
          const ex = new Dlt645FrameExtractor();
          const frames = ex.push(mutated);
          for (const f of frames) parseReply(f);
          expect(frames.length).toBeLessThanOrEqual(1);
          try {
            decodeFrame(mutated);
          } catch (err) {
            expect(err).toBeInstanceOf(Dlt645FrameError);
          }
        },
      ),
    );
  });

  it('any split of a stream of valid frames yields every frame, whatever junk surrounds them', () => {
    fc.assert(
      fc.property(
        fc.array(validWire, { minLength: 1, maxLength: 5 }),
        fc.array(fc.integer({ min: 1, max: 20 }), { minLength: 1 }),
        (frames, cuts) => {
          const stream = Uint8Array.from(frames.flatMap((f) => [0x00, 0xfe, ...f]));
          const ex = new Dlt645FrameExtractor();
          const out = [];
          for (let i = 0, k = 0; i < stream.length; k++) {
            const n = cuts[k % cuts.length];
            out.push(...ex.push(stream.subarray(i, i + n!)));
            i += n!;
          }
          expect(out).toHaveLength(frames.length);
        },
      ),
    );
  });

  it('the DTU filter never throws on random chunks', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (chunk) => {
        const out = new DtuFilter({ heartbeat: Uint8Array.of(0x48, 0x42) }).filter(chunk);
        expect(out.length).toBeLessThanOrEqual(chunk.length);
      }),
    );
  });
});
