/**
 * The 6-byte meter address: 12 BCD digits sent lowest pair first. `AAAAAAAAAAAA` is the
 * wildcard (read/write address) and `999999999999` the broadcast address.
 */
import { byteAt } from '../bytes.ts';
import { Dlt645FrameError } from './errors.ts';

export const WILDCARD_ADDRESS = 'AAAAAAAAAAAA';
export const BROADCAST_ADDRESS = '999999999999';

const ADDRESS = /^[0-9A-Fa-f]{12}$/;
const HEX = '0123456789ABCDEF';

/** "000000000161" → 61 01 00 00 00 00, written into `out` at `offset`. */
export function addressToBytes(address: string, out: Uint8Array, offset: number): void {
  if (!ADDRESS.test(address)) throw new Dlt645FrameError('bad_address', `address "${address}" must be 12 digits`);
  for (let i = 0; i < 6; i++) out[offset + i] = parseInt(address.slice(10 - 2 * i, 12 - 2 * i), 16);
}

/** The address as 12 characters, most significant digit first (hex digits kept for wildcards). */
export function addressFromBytes(bytes: Uint8Array, offset: number): string {
  let s = '';
  for (let i = 5; i >= 0; i--) {
    const b = byteAt(bytes, offset + i);
    s += HEX.charAt(b >> 4) + HEX.charAt(b & 0x0f);
  }
  return s;
}

/** A real meter address: 12 decimal digits (not a wildcard, not garbage). */
export function isMeterAddress(address: string): boolean {
  return /^[0-9]{12}$/.test(address) && address !== BROADCAST_ADDRESS;
}
