/**
 * HDLC frames of IEC 62056-46 (protocols/dlms-cosem.md §3): length-delimited (no byte
 * stuffing), HCS and FCS in CRC-16/X.25, and the segmentation bit.
 */
import { crc16x25 } from './crc.ts';
import { DlmsFrameError } from './errors.ts';
import { frameOrThrow, headerReject, NEED, type Scan } from './scan.ts';

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
  // Bit 0 closes the address: set on the last byte only.
  for (let i = size - 1, v = value; i >= 0; i--, v = Math.floor(v / 128)) b[i] = ((v & 0x7f) << 1) | (i === size - 1 ? 1 : 0);
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

/** Largest frame the 11-bit length field allows, flags included. */
export const HDLC_MAX_FRAME = 0x7ff + 2;

const NOT_TYPE_3 = headerReject('HDLC frame format is not type 3');
const TOO_SHORT = headerReject('HDLC frame length is too short');
const NOT_CLOSED = headerReject('HDLC frame is not closed by 0x7E where its length says');
const NO_ADDRESS_END = headerReject('HDLC address has no end bit within 4 bytes');
const NO_ROOM = headerReject('HDLC frame too short for its addresses and header check sequence');
const BAD_HCS = headerReject('HDLC header check sequence (HCS) mismatch');

/** Size of the address at `p` (up to and including the byte with bit 0 set, max 4), or 0 if it has no end. */
function addressSize(buf: Buffer, p: number, end: number): number {
  for (let i = p; i < end && i < p + 4; i++) if (buf.readUInt8(i) & 1) return i + 1 - p;
  return 0;
}

/**
 * One frame starting with the flag at `buf[at]`, without throwing (the closing flag is not
 * counted in its size, as the next frame may share it). A frame whose header check sequence
 * holds but whose FCS does not is dropped whole, as an HDLC receiver does: its header was
 * genuine, so a frame start inside it is not worth a second look (and the FCS, the only
 * check that costs a pass over the frame, runs at most once per byte).
 */
export function scanHdlc(buf: Buffer, at: number): Scan<HdlcFrame> {
  const avail = buf.length - at;
  if (avail < 2) return NEED;
  if ((buf.readUInt8(at + 1) & 0xf0) !== 0xa0) return NOT_TYPE_3;
  if (avail < 3) return NEED;
  const length = buf.readUInt16BE(at + 1) & 0x7ff;
  if (length < 7) return TOO_SHORT;
  if (avail < length + 2) return NEED;
  if (buf[at + length + 1] !== HDLC_FLAG) return NOT_CLOSED;
  const fcsAt = at + length - 1;
  const destSize = addressSize(buf, at + 3, fcsAt);
  const srcSize = destSize === 0 ? 0 : addressSize(buf, at + 3 + destSize, fcsAt);
  if (srcSize === 0) return NO_ADDRESS_END;
  const controlAt = at + 3 + destSize + srcSize;
  if (controlAt >= fcsAt) return NO_ROOM;
  const hasInfo = fcsAt > controlAt + 1;
  const hcsAt = controlAt + 1;
  if (hasInfo) {
    if (hcsAt + 2 > fcsAt) return NO_ROOM;
    if (crc16x25(buf, at + 1, hcsAt) !== buf.readUInt16LE(hcsAt)) return BAD_HCS;
  }
  if (crc16x25(buf, at + 1, fcsAt) !== buf.readUInt16LE(fcsAt))
    return { kind: 'reject', reason: 'HDLC frame check sequence (FCS) mismatch', skip: hasInfo ? length + 1 : 1, checked: length };
  const format = buf.readUInt16BE(at + 1);
  return {
    kind: 'frame',
    frame: {
      segmented: (format & SEGMENTED) !== 0,
      destination: Buffer.from(buf.subarray(at + 3, at + 3 + destSize)),
      source: Buffer.from(buf.subarray(at + 3 + destSize, controlAt)),
      control: buf.readUInt8(controlAt),
      info: hasInfo ? Buffer.from(buf.subarray(hcsAt + 2, fcsAt)) : Buffer.alloc(0),
    },
    size: length + 1,
    checked: length,
  };
}

/**
 * One frame starting with the flag at `buf[0]`: the frame and the bytes it used (the
 * closing flag is left, as the next frame may share it), or null when more bytes are needed.
 */
export function decodeHdlc(buf: Buffer): { frame: HdlcFrame; size: number } | null {
  if (buf.length > 0 && buf[0] !== HDLC_FLAG) throw new DlmsFrameError('HDLC frame does not start with 0x7E');
  return frameOrThrow(scanHdlc(buf, 0));
}

/** Bounds on one reassembled APDU (HDLC and M-Bus): far above any meter telegram, small enough per connection. */
export const SEGMENT_LIMITS = { segments: 1024, bytes: 65_536 };

const LLC = [Buffer.from([0xe6, 0xe7, 0x00]), Buffer.from([0xe6, 0xe6, 0x00])];

/**
 * Collects the information fields of segmented frames; returns the APDU (LLC removed) when
 * complete. Reassembly is capped (`SEGMENT_LIMITS`): a sender that never closes its
 * segmentation gets an error and starts over, instead of growing the buffer forever.
 */
export class HdlcAssembler {
  private parts: Buffer[] = [];
  private bytes = 0;

  push(frame: HdlcFrame): Buffer | null {
    if (frame.info.length === 0) return null;
    this.parts.push(frame.info);
    this.bytes += frame.info.length;
    if (this.parts.length > SEGMENT_LIMITS.segments || this.bytes > SEGMENT_LIMITS.bytes) {
      this.reset();
      throw new DlmsFrameError(
        `HDLC segmented APDU exceeds ${SEGMENT_LIMITS.segments} segments or ${SEGMENT_LIMITS.bytes} bytes without a last segment`,
      );
    }
    if (frame.segmented) return null;
    const whole = Buffer.concat(this.parts);
    this.reset();
    return LLC.some((l) => whole.subarray(0, 3).equals(l)) ? whole.subarray(3) : whole;
  }

  reset(): void {
    this.parts = [];
    this.bytes = 0;
  }
}
