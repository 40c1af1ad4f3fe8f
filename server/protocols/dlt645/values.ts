/**
 * Values: packed BCD, least significant byte first, with an implied decimal point. For
 * signed quantities the top bit of the most significant byte is the sign. A nibble above 9
 * (e.g. FF for "not supported") makes the value invalid: null.
 */
import { byteAt } from '../bytes.ts';

export interface ValueFormat {
  bytes: number;
  decimals: number;
  /** Only for the DIs the standard marks signed; energies can hold an 8x digit. */
  signed: boolean;
}

export function decodeBcdValue(bytes: Uint8Array, format: ValueFormat, offset = 0): number | null {
  if (bytes.length - offset < format.bytes) return null;
  let int = 0;
  let negative = false;
  for (let k = format.bytes - 1; k >= 0; k--) {
    let b = byteAt(bytes, offset + k);
    if (k === format.bytes - 1 && format.signed) {
      negative = (b & 0x80) !== 0;
      b &= 0x7f;
    }
    const hi = b >> 4;
    const lo = b & 0x0f;
    if (hi > 9 || lo > 9) return null;
    int = int * 100 + hi * 10 + lo;
  }
  const value = int / 10 ** format.decimals;
  return negative && int !== 0 ? -value : value;
}

/** BCD bytes for a value; throws RangeError when it does not fit the format. */
export function encodeBcdValue(value: number, format: ValueFormat): Uint8Array {
  const negative = value < 0;
  if (negative && !format.signed) throw new RangeError(`${value} is negative but the format is unsigned`);
  const int = Math.round(Math.abs(value) * 10 ** format.decimals);
  const limit = format.signed ? 8 * 10 ** (format.bytes * 2 - 1) : 10 ** (format.bytes * 2);
  if (!Number.isFinite(int) || int >= limit)
    throw new RangeError(`${value} does not fit ${format.bytes} BCD bytes with ${format.decimals} decimals`);
  const out = new Uint8Array(format.bytes);
  let rest = int;
  for (let k = 0; k < format.bytes; k++) {
    const pair = rest % 100;
    rest = Math.floor(rest / 100);
    out[k] = ((Math.floor(pair / 10) << 4) | (pair % 10)) & 0xff;
  }
  if (negative && int !== 0) out[format.bytes - 1] = byteAt(out, format.bytes - 1) | 0x80;
  return out;
}

/** A block DI (…FF…) returns several values of one format back to back. */
export function decodeBlock(bytes: Uint8Array, format: ValueFormat): (number | null)[] {
  const values: (number | null)[] = [];
  for (let off = 0; off + format.bytes <= bytes.length; off += format.bytes) values.push(decodeBcdValue(bytes, format, off));
  return values;
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex').toUpperCase();
}

/**
 * A value's BCD bytes as the digits they hold, most significant first: the IVY gateway's
 * `raw` (bytes 67 45 23 01 of 12345.67 kWh → "01234567"). Non-BCD nibbles show as A–F.
 */
export function bcdDigits(bytes: Uint8Array): string {
  return Buffer.from(bytes).reverse().toString('hex').toUpperCase();
}
