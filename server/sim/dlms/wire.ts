/**
 * The simulator's own byte builders, written from protocols/dlms-cosem.md and sharing
 * nothing with the codec in server/protocols/dlms, so a misunderstanding in one is caught
 * by the other.
 */
import { createCipheriv } from 'node:crypto';

/** A-XDR length prefix (§6.3). */
export function axdrLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  if (n < 0x100) return Buffer.from([0x81, n]);
  return Buffer.from([0x82, n >> 8, n & 0xff]);
}

export const ax = {
  structure: (...items: Buffer[]) => Buffer.concat([Buffer.from([0x02]), axdrLength(items.length), ...items]),
  array: (...items: Buffer[]) => Buffer.concat([Buffer.from([0x01]), axdrLength(items.length), ...items]),
  octets: (b: Buffer) => Buffer.concat([Buffer.from([0x09]), axdrLength(b.length), b]),
  obis: (text: string) => ax.octets(Buffer.from(text.split(/[-:.]/).map(Number))),
  u32: (v: number) => {
    const b = Buffer.alloc(5);
    b[0] = 0x06;
    b.writeUInt32BE(v >>> 0, 1);
    return b;
  },
  i32: (v: number) => {
    const b = Buffer.alloc(5);
    b[0] = 0x05;
    b.writeInt32BE(v, 1);
    return b;
  },
  u16: (v: number) => {
    const b = Buffer.alloc(3);
    b[0] = 0x12;
    b.writeUInt16BE(v, 1);
    return b;
  },
  i16: (v: number) => {
    const b = Buffer.alloc(3);
    b[0] = 0x10;
    b.writeInt16BE(v, 1);
    return b;
  },
  u8: (v: number) => Buffer.from([0x11, v]),
  scalerUnit: (scaler: number, unit: number) => Buffer.from([0x02, 0x02, 0x0f, scaler & 0xff, 0x16, unit]),
};

/** COSEM date-time for `d` in UTC with deviation 0 (§6.3). */
export function cosemDateTime(d: Date): Buffer {
  const b = Buffer.alloc(12);
  b.writeUInt16BE(d.getUTCFullYear(), 0);
  b[2] = d.getUTCMonth() + 1;
  b[3] = d.getUTCDate();
  b[4] = ((d.getUTCDay() + 6) % 7) + 1;
  b[5] = d.getUTCHours();
  b[6] = d.getUTCMinutes();
  b[7] = d.getUTCSeconds();
  b[8] = 0;
  b.writeInt16BE(0, 9);
  b[11] = 0;
  return b;
}

/** CRC-16/X.25, bit by bit as §3 states it. */
export function x25(buf: Buffer): number {
  let crc = 0xffff;
  for (const byte of buf) {
    crc ^= byte;
    for (let i = 0; i < 8; i++) crc = crc & 1 ? (crc >>> 1) ^ 0x8408 : crc >>> 1;
  }
  return ~crc & 0xffff;
}

const le16 = (v: number) => Buffer.from([v & 0xff, v >> 8]);

/** HDLC UI frames (control 0x13) from the meter (server address 1, 2 bytes) to client 16, split at 200 bytes. */
export function hdlcFrames(apdu: Buffer): Buffer[] {
  const info = Buffer.concat([Buffer.from([0xe6, 0xe7, 0x00]), apdu]);
  const frames: Buffer[] = [];
  for (let off = 0; off < info.length; off += 200) {
    const part = info.subarray(off, off + 200);
    const more = off + 200 < info.length;
    const header = Buffer.from([0, 0, 0x21, 0x02, 0x23, 0x13]);
    const length = header.length + 2 + part.length + 2;
    header.writeUInt16BE(0xa000 | (more ? 0x0800 : 0) | length, 0);
    const withHcs = Buffer.concat([header, le16(x25(header)), part]);
    frames.push(Buffer.concat([Buffer.from([0x7e]), withHcs, le16(x25(withHcs)), Buffer.from([0x7e])]));
  }
  return frames;
}

/** M-Bus long frames of ≤ 250 APDU bytes, CI 0x00, 0x01 … and 0x10 on the last (§4). */
export function mbusFrames(apdu: Buffer): Buffer[] {
  const frames: Buffer[] = [];
  const count = Math.max(1, Math.ceil(apdu.length / 250));
  for (let i = 0; i < count; i++) {
    const body = Buffer.concat([
      Buffer.from([0x53, 0xff, i | (i === count - 1 ? 0x10 : 0), 0x01, 0x67]),
      apdu.subarray(i * 250, i * 250 + 250),
    ]);
    const sum = body.reduce((a, b) => (a + b) & 0xff, 0);
    frames.push(Buffer.concat([Buffer.from([0x68, body.length, body.length, 0x68]), body, Buffer.from([sum, 0x16])]));
  }
  return frames;
}

/** IEC 62056-47 wrapper (§2). */
export function wrapped(source: number, destination: number, apdu: Buffer): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt16BE(1, 0);
  h.writeUInt16BE(source, 2);
  h.writeUInt16BE(destination, 4);
  h.writeUInt16BE(apdu.length, 6);
  return Buffer.concat([h, apdu]);
}

export type Security = 'none' | 'encrypt' | 'auth-encrypt';

/** general-glo-ciphering (§7): SC 0x20 is AES-CTR from counter 2, SC 0x30 is GCM with a 12-byte tag over SC ‖ AK. */
export function gloCipher(
  plain: Buffer,
  security: Exclude<Security, 'none'>,
  systemTitle: Buffer,
  frameCounter: number,
  ek: Buffer,
  ak: Buffer,
): Buffer {
  const fc = Buffer.alloc(4);
  fc.writeUInt32BE(frameCounter >>> 0);
  const iv = Buffer.concat([systemTitle, fc]);
  let body: Buffer;
  let sc: number;
  if (security === 'encrypt') {
    sc = 0x20;
    const c = createCipheriv('aes-128-ctr', ek, Buffer.concat([iv, Buffer.from([0, 0, 0, 2])]));
    body = Buffer.concat([c.update(plain), c.final()]);
  } else {
    sc = 0x30;
    const c = createCipheriv('aes-128-gcm', ek, iv, { authTagLength: 12 });
    c.setAAD(Buffer.concat([Buffer.from([sc]), ak]));
    body = Buffer.concat([c.update(plain), c.final(), c.getAuthTag()]);
  }
  const content = Buffer.concat([Buffer.from([sc]), fc, body]);
  return Buffer.concat([Buffer.from([0xdb, 0x08]), systemTitle, axdrLength(content.length), content]);
}
