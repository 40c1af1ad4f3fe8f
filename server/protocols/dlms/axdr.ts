/** A-XDR `Data` values (protocols/dlms-cosem.md §6.3): decode and encode. */
import { Cursor, encodeLength } from './cursor.ts';
import { DlmsDecodeError, DlmsUnsupportedError } from './errors.ts';

export type NumberType =
  | 'integer'
  | 'long'
  | 'double-long'
  | 'unsigned'
  | 'long-unsigned'
  | 'double-long-unsigned'
  | 'enum'
  | 'bcd'
  | 'float32'
  | 'float64';

export type DlmsData =
  | { type: 'null-data' }
  | { type: 'dont-care' }
  | { type: 'array'; items: DlmsData[] }
  | { type: 'structure'; items: DlmsData[] }
  | { type: 'boolean'; value: boolean }
  | { type: 'bit-string'; bits: number; bytes: Buffer }
  | { type: NumberType; value: number }
  | { type: 'long64' | 'long64-unsigned'; value: bigint }
  | { type: 'octet-string'; value: Buffer }
  | { type: 'visible-string' | 'utf8-string'; value: string }
  | { type: 'date-time' | 'date' | 'time'; value: Buffer };

const NUMBER_TAGS: Record<number, [NumberType, number]> = {
  0x05: ['double-long', 4],
  0x06: ['double-long-unsigned', 4],
  0x0d: ['bcd', 1],
  0x0f: ['integer', 1],
  0x10: ['long', 2],
  0x11: ['unsigned', 1],
  0x12: ['long-unsigned', 2],
  0x16: ['enum', 1],
  0x17: ['float32', 4],
  0x18: ['float64', 8],
};
const NUMBER_FORMAT_OF = Object.fromEntries(
  Object.entries(NUMBER_TAGS).map(([tag, [name, size]]) => [name, { tag: Number(tag), size }]),
) as Record<NumberType, { tag: number; size: number }>;
const FIXED_OCTETS: Record<number, ['date-time' | 'date' | 'time', number]> = {
  0x19: ['date-time', 12],
  0x1a: ['date', 5],
  0x1b: ['time', 4],
};

/** Nesting deeper than this is not a meter telegram; refusing it keeps the stack safe on hostile input. */
const MAX_DEPTH = 16;

export function readData(c: Cursor, depth = 0): DlmsData {
  if (depth > MAX_DEPTH) throw new DlmsDecodeError(`A-XDR data nested deeper than ${MAX_DEPTH} levels`);
  const at = c.pos;
  const tag = c.u8();
  const num = NUMBER_TAGS[tag];
  if (num) return { type: num[0], value: readNumber(c, num[0]) };
  const fixed = FIXED_OCTETS[tag];
  if (fixed) return { type: fixed[0], value: Buffer.from(c.bytes(fixed[1])) };
  switch (tag) {
    case 0x00:
      return { type: 'null-data' };
    case 0xff:
      return { type: 'dont-care' };
    case 0x01:
    case 0x02: {
      const count = c.length();
      const items: DlmsData[] = [];
      // Each element takes at least one byte: a count larger than what is left is corrupt.
      if (count > c.remaining)
        throw new DlmsDecodeError(
          `A-XDR ${tag === 1 ? 'array' : 'structure'} at byte ${at} claims ${count} elements but only ${c.remaining} bytes follow`,
        );
      for (let i = 0; i < count; i++) items.push(readData(c, depth + 1));
      return { type: tag === 1 ? 'array' : 'structure', items };
    }
    case 0x03:
      return { type: 'boolean', value: c.u8() !== 0 };
    case 0x04: {
      const bits = c.length();
      return { type: 'bit-string', bits, bytes: Buffer.from(c.bytes(Math.ceil(bits / 8))) };
    }
    case 0x09:
      return { type: 'octet-string', value: Buffer.from(c.bytes(c.length())) };
    case 0x0a:
      return { type: 'visible-string', value: c.bytes(c.length()).toString('latin1') };
    case 0x0c:
      return { type: 'utf8-string', value: c.bytes(c.length()).toString('utf8') };
    case 0x14:
      return { type: 'long64', value: c.bytes(8).readBigInt64BE(0) };
    case 0x15:
      return { type: 'long64-unsigned', value: c.bytes(8).readBigUInt64BE(0) };
    case 0x13:
      throw new DlmsUnsupportedError(`compact-array (A-XDR tag 0x13) at byte ${at} is not supported`);
    default:
      throw new DlmsDecodeError(`unsupported A-XDR data tag 0x${tag.toString(16).padStart(2, '0')} at byte ${at}`);
  }
}

function readNumber(c: Cursor, type: NumberType): number {
  switch (type) {
    case 'double-long':
      return c.i32();
    case 'double-long-unsigned':
      return c.u32();
    case 'integer':
      return c.i8();
    case 'long':
      return c.i16();
    case 'long-unsigned':
      return c.u16();
    case 'float32':
      return c.bytes(4).readFloatBE(0);
    case 'float64':
      return c.bytes(8).readDoubleBE(0);
    default:
      return c.u8();
  }
}

/** Decode exactly one Data value filling `buf`. */
export function decodeData(buf: Buffer): DlmsData {
  const c = new Cursor(buf, 'A-XDR data');
  const d = readData(c);
  if (c.remaining !== 0) throw new DlmsDecodeError(`${c.remaining} unexpected byte(s) after A-XDR data`);
  return d;
}

export function encodeData(d: DlmsData): Buffer {
  switch (d.type) {
    case 'null-data':
      return Buffer.from([0x00]);
    case 'dont-care':
      return Buffer.from([0xff]);
    case 'array':
    case 'structure':
      return Buffer.concat([Buffer.from([d.type === 'array' ? 1 : 2]), encodeLength(d.items.length), ...d.items.map(encodeData)]);
    case 'boolean':
      return Buffer.from([0x03, d.value ? 1 : 0]);
    case 'bit-string':
      return Buffer.concat([Buffer.from([0x04]), encodeLength(d.bits), d.bytes]);
    case 'octet-string':
      return Buffer.concat([Buffer.from([0x09]), encodeLength(d.value.length), d.value]);
    case 'visible-string': {
      const b = Buffer.from(d.value, 'latin1');
      return Buffer.concat([Buffer.from([0x0a]), encodeLength(b.length), b]);
    }
    case 'utf8-string': {
      const b = Buffer.from(d.value, 'utf8');
      return Buffer.concat([Buffer.from([0x0c]), encodeLength(b.length), b]);
    }
    case 'long64':
    case 'long64-unsigned': {
      const b = Buffer.alloc(9);
      b[0] = d.type === 'long64' ? 0x14 : 0x15;
      if (d.type === 'long64') b.writeBigInt64BE(d.value, 1);
      else b.writeBigUInt64BE(d.value, 1);
      return b;
    }
    case 'date-time':
      return Buffer.concat([Buffer.from([0x19]), d.value]);
    case 'date':
      return Buffer.concat([Buffer.from([0x1a]), d.value]);
    case 'time':
      return Buffer.concat([Buffer.from([0x1b]), d.value]);
    default:
      return encodeNumber(d.type, d.value);
  }
}

function encodeNumber(type: NumberType, value: number): Buffer {
  const { tag, size } = NUMBER_FORMAT_OF[type];
  const b = Buffer.alloc(1 + size);
  b[0] = tag;
  switch (type) {
    case 'double-long':
      b.writeInt32BE(value, 1);
      break;
    case 'double-long-unsigned':
      b.writeUInt32BE(value, 1);
      break;
    case 'integer':
      b.writeInt8(value, 1);
      break;
    case 'long':
      b.writeInt16BE(value, 1);
      break;
    case 'long-unsigned':
      b.writeUInt16BE(value, 1);
      break;
    case 'float32':
      b.writeFloatBE(value, 1);
      break;
    case 'float64':
      b.writeDoubleBE(value, 1);
      break;
    default:
      b.writeUInt8(value, 1);
  }
  return b;
}

/** The number a numeric Data holds (long64 as a JS number), or undefined for other types. */
export function dataNumber(d: DlmsData): number | undefined {
  if (d.type === 'long64' || d.type === 'long64-unsigned') return Number(d.value);
  if ('value' in d && typeof d.value === 'number') return d.value;
  return undefined;
}
