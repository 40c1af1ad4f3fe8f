/**
 * Extractors lend their working arrays to each other between frames: a link that holds no
 * bytes holds no arrays, and links fed in any interleaving find exactly the frames each
 * would find alone.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Dlt645FrameExtractor } from '../../../server/protocols/dlt645/extractor.ts';
import { WORKED_FRAMES, bytes } from './vectors.ts';

const validWire = fc.constantFrom(...WORKED_FRAMES.map((w) => bytes(w.hex)));
const noise = fc.oneof(fc.uint8Array({ maxLength: 40 }), fc.constant(Uint8Array.of(0xfe, 0xfe, 0xfe, 0xfe)));
/** A stream of frames with noise between them, and the sizes it is cut into. */
const cutStream = fc.tuple(
  fc
    .array(fc.tuple(noise, validWire), { minLength: 1, maxLength: 5 })
    .map((pairs) => Uint8Array.from(pairs.flatMap(([n, f]) => [...n, ...f]))),
  fc.array(fc.integer({ min: 1, max: 60 }), { minLength: 1, maxLength: 6 }),
);

function cut(stream: Uint8Array, sizes: number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0, k = 0; i < stream.length; k++) {
    const n = sizes[k % sizes.length] as number;
    out.push(stream.subarray(i, i + n));
    i += n;
  }
  return out;
}

const hexes = (frames: { address: string; data: Uint8Array }[]) => frames.map((f) => `${f.address}:${Buffer.from(f.data).toString('hex')}`);

describe('frame extractor working arrays', () => {
  it('holds none once a whole frame has come, and holds them while one is incomplete', () => {
    const [first] = WORKED_FRAMES;
    if (!first) throw new Error('no worked frame');
    const frame = bytes(first.hex);
    const ex = new Dlt645FrameExtractor();
    expect(ex.holdsWorkspace).toBe(false);
    expect(ex.push(frame.subarray(0, 5))).toEqual([]);
    expect(ex.holdsWorkspace).toBe(true);
    expect(ex.push(frame.subarray(5))).toHaveLength(1);
    expect(ex.holdsWorkspace).toBe(false);
    expect(ex.pending).toBe(0);
  });

  it('forgets the candidates of a tenure before its arrays serve the next one', () => {
    const [first] = WORKED_FRAMES;
    if (!first) throw new Error('no worked frame');
    const frame = bytes(first.hex).subarray(4);
    // A header whose claimed end lies beyond the valid frame after it: dropped as a length
    // mismatch once the frame is found, its end still listed in the arrays.
    const header = Uint8Array.of(0x68, 1, 2, 3, 4, 5, 6, 0x68, 0x91, 40);
    const rest = Uint8Array.from([...frame, ...frame, ...frame]);
    const inTwo = new Dlt645FrameExtractor();
    const found = [...inTwo.push(Uint8Array.from([...header, ...frame])), ...inTwo.push(rest)];
    const inOne = new Dlt645FrameExtractor();
    const foundAtOnce = inOne.push(Uint8Array.from([...header, ...frame, ...rest]));
    expect(found).toHaveLength(4);
    expect(hexes(found)).toEqual(hexes(foundAtOnce));
    expect(inTwo.stats.badFrames).toBe(inOne.stats.badFrames);
  });

  it('finds the same frames, with the same counts, whether links are fed alone or interleaved', () => {
    fc.assert(
      fc.property(fc.array(cutStream, { minLength: 2, maxLength: 6 }), fc.array(fc.nat(), { maxLength: 200 }), (streams, order) => {
        const chunks = streams.map(([s, sizes]) => cut(s, sizes));
        const alone = chunks.map((cs) => {
          const ex = new Dlt645FrameExtractor();
          return { frames: hexes(cs.flatMap((c) => ex.push(c))), garbage: ex.stats.garbageBytes, bad: ex.stats.badFrames };
        });
        const shared = chunks.map(() => new Dlt645FrameExtractor());
        const found: string[][] = chunks.map(() => []);
        const next = chunks.map(() => 0);
        // Feed one chunk of a link at a time, the link chosen by `order`, then the rest in turn.
        const pick = [...order, ...chunks.flatMap((cs, i) => cs.map(() => i))];
        for (const p of pick) {
          const i = p % chunks.length;
          const c = chunks[i]?.[next[i] as number];
          if (!c) continue;
          next[i] = (next[i] as number) + 1;
          (found[i] as string[]).push(...hexes((shared[i] as Dlt645FrameExtractor).push(c)));
        }
        shared.forEach((ex, i) => {
          expect({ frames: found[i], garbage: ex.stats.garbageBytes, bad: ex.stats.badFrames }).toEqual(alone[i]);
        });
      }),
      { numRuns: 200 },
    );
  });
});
