/**
 * One point's registers ↔ its raw value, by the SunSpec type. A value the device marks "not
 * implemented" (0x8000, 0xFFFF, 0x80000000, 0xFFFFFFFF, NaN, an empty string) is null,
 * never a number. Accumulators are also null at 0, SunSpec's "not accumulated": an
 * energy counter that reads 0 at night is not a counter that went back to 0.
 */
import type { PointType } from './definitions.ts';
import { SunSpecError } from './errors.ts';

export type RawValue = number | string | null;

/** The register pattern a device sends for "not implemented", by type (strings: all zero). */
const NOT_IMPLEMENTED: Partial<Record<PointType, bigint>> = {
  int16: 0x8000n,
  sunssf: 0x8000n,
  uint16: 0xffffn,
  count: 0xffffn,
  acc16: 0xffffn,
  enum16: 0xffffn,
  bitfield16: 0xffffn,
  int32: 0x8000_0000n,
  uint32: 0xffff_ffffn,
  acc32: 0xffff_ffffn,
  enum32: 0xffff_ffffn,
  bitfield32: 0xffff_ffffn,
  int64: 0x8000_0000_0000_0000n,
  uint64: 0xffff_ffff_ffff_ffffn,
  acc64: 0xffff_ffff_ffff_ffffn,
};

const SIGNED = new Set<PointType>(['int16', 'sunssf', 'int32', 'int64']);
const ACCUMULATORS = new Set<PointType>(['acc16', 'acc32', 'acc64']);

/** Registers a type takes; strings and pads take what their definition says. */
export function typeSize(type: PointType): number | undefined {
  if (type === 'string' || type === 'pad') return undefined;
  if (type === 'float32') return 2;
  if (type === 'float64') return 4;
  return type.endsWith('64') ? 4 : type.endsWith('32') ? 2 : 1;
}

/** Register `index` of `regs`, 16 bits; a point reaching past the registers read is refused, not read as 0. */
function registerAt(regs: ArrayLike<number>, index: number): number {
  const r = regs[index];
  if (typeof r !== 'number') {
    throw new SunSpecError('short-response', `register ${index} is missing: the point runs past the ${regs.length} registers read`);
  }
  return r & 0xffff;
}

/** The registers at `offset` as one unsigned big-endian integer. */
function unsigned(regs: ArrayLike<number>, offset: number, size: number): bigint {
  let v = 0n;
  for (let i = 0; i < size; i++) v = (v << 16n) | BigInt(registerAt(regs, offset + i));
  return v;
}

export function decodePoint(type: PointType, regs: ArrayLike<number>, offset: number, size: number): RawValue {
  if (type === 'pad') return null;
  if (type === 'string') {
    let text = '';
    for (let i = 0; i < size; i++) {
      const r = registerAt(regs, offset + i);
      text += String.fromCharCode(r >> 8, r & 0xff);
    }
    // NUL-terminated and padded; what is left is printable ASCII or nothing.
    const cut = text.indexOf('\0');
    const clean = (cut < 0 ? text : text.slice(0, cut)).replace(/[^\x20-\x7e]/g, '').trim();
    return clean === '' ? null : clean;
  }
  if (type === 'float32' || type === 'float64') {
    const view = new DataView(new ArrayBuffer(size * 2));
    for (let i = 0; i < size; i++) view.setUint16(i * 2, registerAt(regs, offset + i));
    const f = type === 'float32' ? view.getFloat32(0) : view.getFloat64(0);
    return Number.isFinite(f) ? f : null;
  }
  const bits = BigInt(size * 16);
  const u = unsigned(regs, offset, size);
  if (u === NOT_IMPLEMENTED[type] || (u === 0n && ACCUMULATORS.has(type))) return null;
  const v = SIGNED.has(type) && u >= 1n << (bits - 1n) ? u - (1n << bits) : u;
  return Number(v);
}

/** Writes `value` (raw, unscaled) into `regs` at `offset`; null writes the "not implemented" pattern. */
export function encodePoint(type: PointType, value: RawValue, regs: number[], offset: number, size: number): void {
  if (type === 'pad') {
    for (let i = 0; i < size; i++) regs[offset + i] = 0;
    return;
  }
  if (type === 'string') {
    const text = typeof value === 'string' ? value : '';
    for (let i = 0; i < size; i++) {
      const hi = text.charCodeAt(i * 2) || 0;
      const lo = text.charCodeAt(i * 2 + 1) || 0;
      regs[offset + i] = ((hi & 0xff) << 8) | (lo & 0xff);
    }
    return;
  }
  if (type === 'float32' || type === 'float64') {
    const view = new DataView(new ArrayBuffer(size * 2));
    const f = typeof value === 'number' ? value : Number.NaN;
    if (type === 'float32') view.setFloat32(0, f);
    else view.setFloat64(0, f);
    for (let i = 0; i < size; i++) regs[offset + i] = view.getUint16(i * 2);
    return;
  }
  const bits = BigInt(size * 16);
  let u: bigint;
  if (typeof value !== 'number') u = NOT_IMPLEMENTED[type] ?? 0n;
  else {
    const v = BigInt(Math.round(value));
    u = v < 0n ? v + (1n << bits) : v;
  }
  for (let i = size - 1; i >= 0; i--) {
    regs[offset + i] = Number(u & 0xffffn);
    u >>= 16n;
  }
}

/** The raw range a type can carry, without its "not implemented" pattern. */
export function rawRange(type: PointType, size: number): { min: number; max: number } {
  const bits = size * 16;
  if (SIGNED.has(type)) return { min: -(2 ** (bits - 1)) + 1, max: 2 ** (bits - 1) - 1 };
  return { min: ACCUMULATORS.has(type) ? 1 : 0, max: 2 ** bits - 2 };
}
