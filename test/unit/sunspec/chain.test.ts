/**
 * The model-chain walk over a register space a device controls: the marker, the blocks, the
 * end. Hostile spaces (lengths past 65535, endless chains, wrong markers, short answers)
 * give a SunSpecError naming what is wrong, after a bounded number of reads.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeModel } from '../../../server/protocols/sunspec/block.ts';
import {
  END_ID,
  findBase,
  MARKER,
  MAX_MODELS,
  MAX_READ,
  planReads,
  type ReadRegisters,
  readSpan,
  walkChain,
} from '../../../server/protocols/sunspec/chain.ts';
import { MODELS } from '../../../server/protocols/sunspec/definitions.ts';
import { SunSpecError } from '../../../server/protocols/sunspec/errors.ts';

class Refused extends Error {}

/** A register space: what is set answers, the rest is refused like a Modbus exception 2. */
function space(regs: Map<number, number>) {
  const stats = { reads: 0, registers: 0 };
  const read: ReadRegisters = async (address, count) => {
    stats.reads++;
    stats.registers += count;
    expect(count).toBeLessThanOrEqual(MAX_READ);
    const out: number[] = [];
    for (let i = 0; i < count; i++) {
      const v = regs.get(address + i);
      if (v === undefined) throw new Refused(`illegal address ${address + i}`);
      out.push(v);
    }
    return out;
  };
  return { read, stats };
}

function layout(base: number, blocks: number[][], end = true): Map<number, number> {
  const regs = new Map<number, number>();
  const all = [...MARKER, ...blocks.flat(), ...(end ? [END_ID, 0] : [])];
  for (const [i, v] of all.entries()) regs.set(base + i, v);
  return regs;
}

const common = () => encodeModel(MODELS.get(1)!, { values: { Mn: 'ACME', SN: '42' } });
const isRefusal = (err: unknown) => err instanceof Refused;

describe('finding the marker', () => {
  it.each([40000, 0, 50000])('finds SunS at %i, trying 40000, 0 and 50000 in that order', async (base) => {
    const { read } = space(layout(base, [common()]));
    expect(await findBase(read, isRefusal)).toBe(base);
  });

  it('names what it found where the marker should be', async () => {
    const regs = layout(40000, [common()]);
    regs.set(40000, 0x1234);
    const { read } = space(regs);
    await expect(findBase(read, isRefusal)).rejects.toThrow(/no SunSpec marker .* \(40000: 0x1234 0x6E53; 0: refused; 50000: refused\)/);
  });

  it('a device that does not answer at all is not "no marker": the timeout goes through', async () => {
    const timeout = new Error('no answer');
    await expect(findBase(() => Promise.reject(timeout), isRefusal)).rejects.toBe(timeout);
  });
});

describe('walking the chain', () => {
  it('lists each block with its address and length up to the end block', async () => {
    const inverter = encodeModel(MODELS.get(103)!, { values: {} });
    const mppt = encodeModel(MODELS.get(160)!, { values: {}, counts: { module: 2 } });
    const { read } = space(layout(40000, [common(), inverter, mppt]));
    const chain = await walkChain(read, 40000);
    expect(chain.models).toEqual([
      { id: 1, address: 40002, length: 66 },
      { id: 103, address: 40070, length: 50 },
      { id: 160, address: 40122, length: 48 },
    ]);
  });

  it('a length that runs past register 65535 is refused', async () => {
    const { read } = space(layout(50000, [common(), [103, 20000]]));
    await expect(walkChain(read, 50000)).rejects.toThrow(/model 103 at 50070 has length 20000, which runs past register 65535/);
  });

  it('a chain of more models than any device has is refused', async () => {
    const tiny = Array.from({ length: MAX_MODELS + 5 }, () => [64_000, 0]);
    const { read, stats } = space(layout(0, [common(), ...tiny]));
    await expect(walkChain(read, 0)).rejects.toThrow(`more than ${MAX_MODELS} models`);
    expect(stats.reads).toBeLessThanOrEqual(MAX_MODELS + 1);
  });

  it('a chain without an end block fails with the refusal, and one that must start with model 1 says so', async () => {
    await expect(walkChain(space(layout(0, [common()], false)).read, 0)).rejects.toBeInstanceOf(Refused);
    const noCommon = space(layout(0, [encodeModel(MODELS.get(103)!, { values: {} })]));
    await expect(walkChain(noCommon.read, 0)).rejects.toThrow(/first model after the marker at 0 is 103, not the common model 1/);
  });

  it('a short answer is an error naming what was asked and what came', async () => {
    const short: ReadRegisters = async (_address, count) => new Array(Math.max(0, count - 1)).fill(0);
    await expect(readSpan(short, 40000, 2)).rejects.toThrow('asked for 2 registers at 40000, the device answered 1');
  });

  it('an answer of the right length with a hole in it is short too, not a register read as 0', async () => {
    const holey: ReadRegisters = async (_address, count) =>
      Array.from({ length: count }, (_, i) => (i === 1 ? undefined : 0x5375)) as number[];
    const failure = readSpan(holey, 40000, 2);
    await expect(failure).rejects.toBeInstanceOf(SunSpecError);
    await expect(failure).rejects.toMatchObject({ problem: 'short-response' });
    await expect(readSpan(holey, 40000, 2)).rejects.toThrow('asked for 2 registers at 40000, the device answered none for 40001');
    await expect(walkChain(holey, 40000)).rejects.toThrow('the device answered none for 40003');
  });

  it('any register space ends the walk with a chain or a SunSpecError/refusal, after a bounded number of reads', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(0, 40000, 50000),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0xffff })), { maxLength: 40 }),
        fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 200 }),
        async (base, headers, noise) => {
          // A chain whose ids and lengths are random, with random registers in between.
          const regs = new Map<number, number>();
          regs.set(base, MARKER[0]);
          regs.set(base + 1, MARKER[1]);
          let at = base + 2;
          for (const [i, [id, length]] of headers.entries()) {
            regs.set(at, i === 0 ? 1 : id);
            regs.set(at + 1, length);
            for (let k = 0; k < Math.min(length, 8); k++) regs.set(at + 2 + k, noise[k % Math.max(1, noise.length)] ?? 0);
            at += 2 + length;
            if (at > 0xffff) break;
          }
          const { read, stats } = space(regs);
          try {
            const chain = await walkChain(read, base);
            for (const m of chain.models) expect(m.address + 2 + m.length).toBeLessThanOrEqual(0x10000);
          } catch (err) {
            expect(err instanceof SunSpecError || err instanceof Refused).toBe(true);
          }
          // One header read per block, and no more blocks than MAX_MODELS.
          expect(stats.reads).toBeLessThanOrEqual(MAX_MODELS + 1);
          expect(stats.registers).toBeLessThanOrEqual(2 * (MAX_MODELS + 1));
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('planning reads', () => {
  it('joins neighbouring blocks and cuts the span at 125 registers', () => {
    const plan = planReads([
      { id: 103, address: 40070, length: 50 },
      { id: 120, address: 40122, length: 26 },
      { id: 123, address: 40150, length: 24 },
      { id: 160, address: 40176, length: 48 },
    ]);
    expect(plan).toEqual([
      { address: 40070, count: 125 },
      { address: 40195, count: 31 },
    ]);
  });

  it('keeps blocks apart that are not neighbours, and honours a smaller limit', () => {
    expect(
      planReads(
        [
          { id: 1, address: 2, length: 66 },
          { id: 203, address: 200, length: 105 },
        ],
        100,
      ),
    ).toEqual([
      { address: 2, count: 68 },
      { address: 200, count: 100 },
      { address: 300, count: 7 },
    ]);
  });
});
