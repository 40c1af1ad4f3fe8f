/** The installation GUID of an Xcom-232i (object type 4): 16 bytes, little-endian GUID layout. */
import type { Decoded } from './frame.ts';

export function decodeGuid(data: Uint8Array): Decoded<string> {
  if (data.length !== 16) return { ok: false, error: `GUID needs 16 bytes, got ${data.length}` };
  const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  // Copied before reversing: a Buffer's slice shares the caller's memory.
  const le = (start: number, end: number) => hex(Uint8Array.from(data.subarray(start, end)).reverse());
  return { ok: true, value: `${le(0, 4)}-${le(4, 6)}-${le(6, 8)}-${hex(data.slice(8, 10))}-${hex(data.slice(10, 16))}` };
}
