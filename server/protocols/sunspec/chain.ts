/**
 * Finds a device's models: the `SunS` marker at 40000 (else 0, else 50000), then the chain
 * of blocks (`ID`, `L`, points) up to the block with ID 0xFFFF. Everything in it comes from
 * the device, so the walk is bounded: addresses only grow, a block may not run past the
 * 16-bit register space, and at most MAX_MODELS blocks are taken.
 */
import { SunSpecError } from './errors.ts';

/** Reads `count` (≤ MAX_READ) holding registers; rejects for a Modbus exception or a timeout. */
export type ReadRegisters = (address: number, count: number) => Promise<ArrayLike<number>>;

export const MARKER = [0x5375, 0x6e53] as const;
export const BASE_ADDRESSES = [40000, 0, 50000] as const;
export const END_ID = 0xffff;
/** Modbus allows 125 registers in one read. */
export const MAX_READ = 125;
export const MAX_MODELS = 256;
const ADDRESS_SPACE = 0x10000;

export interface ModelLocation {
  id: number;
  /** Address of the block's `ID` register. */
  address: number;
  /** `L`: registers after ID and L. */
  length: number;
}

export interface Chain {
  base: number;
  /** Never empty: the first is the common model 1. */
  models: [ModelLocation, ...ModelLocation[]];
}

/** Reads exactly `count` registers from `address`, in as few requests of at most `max` as it takes. */
export async function readSpan(read: ReadRegisters, address: number, count: number, max = MAX_READ): Promise<number[]> {
  if (address + count > ADDRESS_SPACE) throw new SunSpecError('too-long', `registers ${address}+${count} run past the address space`);
  const out: number[] = [];
  for (let at = address; at < address + count; ) {
    const n = Math.min(max, address + count - at);
    const got = await read(at, n);
    if (got.length !== n) {
      throw new SunSpecError('short-response', `asked for ${n} registers at ${at}, the device answered ${got.length}`);
    }
    for (let i = 0; i < n; i++) {
      const r = got[i];
      // A sparse or hole-y answer of the right length is as short as one of the wrong length.
      if (typeof r !== 'number') {
        throw new SunSpecError('short-response', `asked for ${n} registers at ${at}, the device answered none for ${at + i}`);
      }
      out.push(r & 0xffff);
    }
    at += n;
  }
  return out;
}

type RegisterPair = readonly [number, number];

/** Two registers from `address`: the marker, or a block's `ID` and `L`. */
async function readPair(read: ReadRegisters, address: number): Promise<RegisterPair> {
  const [a, b] = await readSpan(read, address, 2);
  if (a === undefined || b === undefined) {
    throw new SunSpecError('short-response', `asked for 2 registers at ${address}, the device answered fewer`);
  }
  return [a, b];
}

/**
 * Where the marker is. A base the device refuses (a Modbus exception) is not it; `isRefusal`
 * tells an exception from a timeout, which means the device is not answering at all.
 */
export async function findBase(
  read: ReadRegisters,
  isRefusal: (err: unknown) => boolean,
  bases: readonly number[] = BASE_ADDRESSES,
): Promise<number> {
  const seen: string[] = [];
  for (const base of bases) {
    let pair: RegisterPair;
    try {
      pair = await readPair(read, base);
    } catch (err) {
      if (!isRefusal(err)) throw err;
      seen.push(`${base}: refused`);
      continue;
    }
    const [first, second] = pair;
    if (first === MARKER[0] && second === MARKER[1]) return base;
    seen.push(`${base}: ${hex(first)} ${hex(second)}`);
  }
  throw new SunSpecError('no-marker', `no SunSpec marker "SunS" (0x5375 0x6E53) found (${seen.join('; ')})`);
}

const hex = (n: number) => `0x${n.toString(16).toUpperCase().padStart(4, '0')}`;

/** The chain of models after the marker at `base`. */
export async function walkChain(read: ReadRegisters, base: number): Promise<Chain> {
  const models: ModelLocation[] = [];
  let address = base + 2;
  for (;;) {
    const [id, length] = await readPair(read, address);
    if (id === END_ID) break;
    const end = address + 2 + length;
    if (end > ADDRESS_SPACE) {
      throw new SunSpecError('too-long', `model ${id} at ${address} has length ${length}, which runs past register 65535`);
    }
    if (models.length >= MAX_MODELS) throw new SunSpecError('too-long', `more than ${MAX_MODELS} models after the marker at ${base}`);
    models.push({ id, address, length });
    if (end + 2 > ADDRESS_SPACE)
      throw new SunSpecError('too-long', `the model chain at ${base} runs to register 65535 without an end block`);
    address = end;
  }
  const [common, ...rest] = models;
  if (common?.id !== 1) {
    throw new SunSpecError(
      'malformed',
      `the first model after the marker at ${base} is ${common?.id ?? 'the end block'}, not the common model 1`,
    );
  }
  return { base, models: [common, ...rest] };
}

export interface ReadPlan {
  address: number;
  count: number;
}

/**
 * The requests that read these blocks: neighbouring blocks are joined and the joined spans cut
 * at `max` registers, so a chain of small models takes a few requests instead of one each.
 */
export function planReads(blocks: readonly ModelLocation[], max = MAX_READ): ReadPlan[] {
  const sorted = [...blocks].sort((a, b) => a.address - b.address);
  const spans: ReadPlan[] = [];
  for (const b of sorted) {
    const last = spans.at(-1);
    if (last && last.address + last.count === b.address) last.count += b.length + 2;
    else spans.push({ address: b.address, count: b.length + 2 });
  }
  const plan: ReadPlan[] = [];
  for (const span of spans) {
    for (let at = span.address; at < span.address + span.count; at += max) {
      plan.push({ address: at, count: Math.min(max, span.address + span.count - at) });
    }
  }
  return plan;
}
