/**
 * HDLC frames of IEC 62056-46 (protocols/dlms-cosem.md §3): length-delimited (no byte
 * stuffing), HCS and FCS in CRC-16/X.25, and the segmentation bit.
 */
import { crc16x25 } from './crc.ts';
import { DlmsFrameError } from './errors.ts';

export const HDLC_FLAG = 0x7e;
const SEGMENTED = 0x0800;

export interface HdlcFrame {
  segmented: boolean;
  /** Address bytes as on the wire (last byte has bit 0 set). */
  destination: Buffer;
  source: Buffer;
  control: number;
  info: Buffer;
}

/** Encode an HDLC address: `value` in 1, 2 or 4 bytes of 7 bits each, bit 0 closing the address. */
export function hdlcAddress(value: number, size: 1 | 2 | 4 = 1): Buffer {
  const b = Buffer.alloc(size);
  for (let i = size - 1, v = value; i >= 0; i--, v = Math.floor(v / 128)) b[i] = (v & 0x7f) << 1;
  b[size - 1] |= 1;
  return b;
}

export function encodeHdlc(f: HdlcFrame): Buffer {
  const headerLen = 2 + f.destination.length + f.source.length + 1;
  const length = headerLen + (f.info.length > 0 ? 2 + f.info.length : 0) + 2;
  if (length > 0x7ff) throw new DlmsFrameError(`HDLC frame of ${length} bytes exceeds the 11-bit length`);
  const b = Buffer.alloc(length + 2);
  b[0] = HDLC_FLAG;
  b.writeUInt16BE(0xa000 | (f.segmented ? SEGMENTED : 0) | length, 1);
  let p = 3;
  p += f.destination.copy(b, p);
  p += f.source.copy(b, p);
  b[p++] = f.control;
  if (f.info.length > 0) {
    b.writeUInt16LE(crc16x25(b, 1, p), p);
    p += 2;
    p += f.info.copy(b, p);
  }
  b.writeUInt16LE(crc16x25(b, 1, p), p);
  b[p + 2] = HDLC_FLAG;
  return b;
}

/** Address bytes from `p`: up to and including the first byte with bit 0 set (max 4). */
function readAddress(buf: Buffer, p: number, end: number): Buffer {
  for (let i = p; i < end && i < p + 4; i++) if (buf[i] & 1) return Buffer.from(buf.subarray(p, i + 1));
  throw new DlmsFrameError('HDLC address has no end bit within 4 bytes');
}

/**
 * One frame starting with the flag at `buf[0]`: the frame and the bytes it used (the
 * closing flag is left, as the next frame may share it), or null when more bytes are needed.
 */
export function decodeHdlc(buf: Buffer): { frame: HdlcFrame; size: number } | null {
  if (buf.length < 3) return null;
  if (buf[0] !== HDLC_FLAG) throw new DlmsFrameError('HDLC frame does not start with 0x7E');
  const format = buf.readUInt16BE(1);
  if ((format & 0xf000) !== 0xa000) throw new DlmsFrameError(`HDLC frame format 0x${format.toString(16)} is not type 3`);
  const length = format & 0x7ff;
  if (length < 7) throw new DlmsFrameError(`HDLC frame length ${length} is too short`);
  if (buf.length < length + 2) return null;
  if (buf[length + 1] !== HDLC_FLAG) throw new DlmsFrameError('HDLC frame is not closed by 0x7E where its length says');
  const end = 1 + length;
  const fcsAt = end - 2;
  const destination = readAddress(buf, 3, fcsAt);
  const source = readAddress(buf, 3 + destination.length, fcsAt);
  const controlAt = 3 + destination.length + source.length;
  if (controlAt >= fcsAt) throw new DlmsFrameError('HDLC frame too short for its addresses');
  const control = buf[controlAt];
  if (crc16x25(buf, 1, fcsAt) !== buf.readUInt16LE(fcsAt)) throw new DlmsFrameError('HDLC frame check sequence (FCS) mismatch');
  let info = Buffer.alloc(0);
  if (fcsAt > controlAt + 1) {
    const hcsAt = controlAt + 1;
    if (hcsAt + 2 > fcsAt) throw new DlmsFrameError('HDLC frame too short for its header check sequence');
    if (crc16x25(buf, 1, hcsAt) !== buf.readUInt16LE(hcsAt)) throw new DlmsFrameError('HDLC header check sequence (HCS) mismatch');
    info = Buffer.from(buf.subarray(hcsAt + 2, fcsAt));
  }
  return { frame: { segmented: (format & SEGMENTED) !== 0, destination, source, control, info }, size: length + 1 };
}

const LLC = [Buffer.from([0xe6, 0xe7, 0x00]), Buffer.from([0xe6, 0xe6, 0x00])];

/** Collects the information fields of segmented frames; returns the APDU (LLC removed) when complete. */
export class HdlcAssembler {
  private parts: Buffer[] = [];

  push(frame: HdlcFrame): Buffer | null {
    if (frame.info.length === 0) return null;
    this.parts.push(frame.info);
    if (frame.segmented) return null;
    const whole = Buffer.concat(this.parts);
    this.parts = [];
    return LLC.some((l) => whole.subarray(0, 3).equals(l)) ? whole.subarray(3) : whole;
  }

  reset(): void {
    this.parts = [];
  }
}
