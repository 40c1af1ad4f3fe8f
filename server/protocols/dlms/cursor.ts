/** Bounds-checked big-endian reader: running off the end is a DlmsDecodeError, never a RangeError. */
import { DlmsDecodeError } from './errors.ts';

export class Cursor {
  pos = 0;
  /** Primitive reads so far: a work counter for tests that hold decoders to linear time. */
  reads = 0;

  constructor(
    readonly buf: Buffer,
    private readonly what = 'APDU',
  ) {}

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  private need(n: number): void {
    this.reads++;
    if (this.remaining < n)
      throw new DlmsDecodeError(`${this.what} truncated at byte ${this.pos}: need ${n} more byte(s), have ${this.remaining}`);
  }

  u8(): number {
    this.need(1);
    return this.buf.readUInt8(this.pos++);
  }

  i8(): number {
    this.need(1);
    return this.buf.readInt8(this.pos++);
  }

  u16(): number {
    this.need(2);
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  i16(): number {
    this.need(2);
    const v = this.buf.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  i32(): number {
    this.need(4);
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  bytes(n: number): Buffer {
    this.need(n);
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  rest(): Buffer {
    return this.bytes(this.remaining);
  }

  /** A-XDR length: one byte below 0x80, else 0x8N followed by N big-endian bytes (N ≤ 4). */
  length(): number {
    const first = this.u8();
    if (first < 0x80) return first;
    const n = first & 0x7f;
    if (n === 0 || n > 4) throw new DlmsDecodeError(`${this.what}: invalid length prefix 0x${first.toString(16)} at byte ${this.pos - 1}`);
    let v = 0;
    for (let i = 0; i < n; i++) v = v * 256 + this.u8();
    return v;
  }
}

/** A-XDR length prefix for `n`. */
export function encodeLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  if (n <= 0xff) return Buffer.from([0x81, n]);
  if (n <= 0xffff) return Buffer.from([0x82, n >> 8, n & 0xff]);
  const b = Buffer.alloc(5);
  b[0] = 0x84;
  b.writeUInt32BE(n, 1);
  return b;
}
