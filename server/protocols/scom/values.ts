/**
 * SCOM value formats (spec §5). The format of a property is never inferred from its
 * length: the caller knows it from the catalogue.
 */
import type { Decoded } from './frame.ts';

export type ScomFormat = 'float' | 'int32' | 'short_enum' | 'long_enum' | 'bool';

export const FORMAT_SIZE: Readonly<Record<ScomFormat, number>> = {
  float: 4,
  int32: 4,
  short_enum: 2,
  long_enum: 4,
  bool: 1,
};

export function decodeValue(format: ScomFormat, bytes: Uint8Array): Decoded<number> {
  const size = FORMAT_SIZE[format];
  if (bytes.length !== size) return { ok: false, error: `${format} value needs ${size} bytes, got ${bytes.length}` };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (format) {
    case 'float':
      return { ok: true, value: view.getFloat32(0, true) };
    case 'int32':
      return { ok: true, value: view.getInt32(0, true) };
    case 'short_enum':
      return { ok: true, value: view.getUint16(0, true) };
    case 'long_enum':
      return { ok: true, value: view.getUint32(0, true) };
    case 'bool': {
      const b = view.getUint8(0);
      return b <= 1 ? { ok: true, value: b } : { ok: false, error: `bool value is ${b}, expected 0 or 1` };
    }
  }
}

export function encodeValue(format: ScomFormat, value: number | boolean): Uint8Array {
  const n = typeof value === 'boolean' ? Number(value) : value;
  if (!Number.isFinite(n)) throw new RangeError(`${format} value must be a finite number, got ${String(value)}`);
  const out = new Uint8Array(FORMAT_SIZE[format]);
  const view = new DataView(out.buffer);
  const checkInt = (min: number, max: number): number => {
    if (!Number.isInteger(n) || n < min || n > max) throw new RangeError(`${format} value must be an integer in ${min}..${max}, got ${n}`);
    return n;
  };
  switch (format) {
    case 'float':
      view.setFloat32(0, n, true);
      break;
    case 'int32':
      view.setInt32(0, checkInt(-0x80000000, 0x7fffffff), true);
      break;
    case 'short_enum':
      view.setUint16(0, checkInt(0, 0xffff), true);
      break;
    case 'long_enum':
      view.setUint32(0, checkInt(0, 0xffffffff), true);
      break;
    case 'bool':
      out[0] = checkInt(0, 1);
      break;
  }
  return out;
}

/** Version X.Y.Z from the "ID SOFT msb/lsb" infos (each a FLOAT holding 16 bits). */
export function softwareVersion(msb: number, lsb: number): string {
  return `${(msb >> 8) & 0xff}.${(lsb >> 8) & 0xff}.${lsb & 0xff}`;
}

/** The 32-bit unique id from the "ID FID msb/lsb" infos. */
export function combineWords(msb: number, lsb: number): number {
  return (msb & 0xffff) * 0x10000 + (lsb & 0xffff);
}
