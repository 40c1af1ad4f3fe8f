/**
 * M-Bus long frames carrying DLMS segments (Austrian Kaifa customer interface,
 * protocols/dlms-cosem.md §4): `68 L L 68 C A CI STSAP DTSAP <segment> CS 16`.
 */
import { DlmsFrameError } from './errors.ts';
import { SEGMENT_LIMITS } from './hdlc.ts';
import { frameOrThrow, headerReject, NEED, type Scan } from './scan.ts';

export interface MbusFrame {
  control: number;
  address: number;
  /** Low nibble: segment sequence number; 0x10: last segment. */
  ci: number;
  stsap: number;
  dtsap: number;
  data: Buffer;
}

export const MBUS_MAX_SEGMENT = 250;

export function encodeMbus(f: MbusFrame): Buffer {
  const l = 5 + f.data.length;
  if (l > 255) throw new DlmsFrameError(`M-Bus segment of ${f.data.length} bytes exceeds the frame`);
  const b = Buffer.alloc(l + 6);
  b[0] = 0x68;
  b[1] = l;
  b[2] = l;
  b[3] = 0x68;
  b[4] = f.control;
  b[5] = f.address;
  b[6] = f.ci;
  b[7] = f.stsap;
  b[8] = f.dtsap;
  f.data.copy(b, 9);
  let sum = 0;
  for (const byte of b.subarray(4, 4 + l)) sum += byte;
  b[4 + l] = sum & 0xff;
  b[5 + l] = 0x16;
  return b;
}

/** Largest long frame: L is one byte. */
export const MBUS_MAX_FRAME = 255 + 6;

const NOT_LONG_FRAME = headerReject('M-Bus long frame does not start with 68 L L 68');
const LENGTHS_DIFFER = headerReject('M-Bus length bytes differ');
const TOO_SHORT = headerReject('M-Bus length is too short for a DLMS segment');
const NO_STOP = headerReject('M-Bus frame does not end with 0x16');

/** CI fields of DLMS segments: sequence number in the low nibble, 0x10 on the last. */
const MAX_DLMS_CI = 0x1f;

/**
 * One long frame at `buf[at]`, without throwing. A frame that looks like a DLMS segment
 * (start, lengths, stop byte and CI in place) but fails its checksum was damaged on the
 * line and is dropped whole: the ciphered APDU header inside it must not be read as a raw
 * APDU. Anything else drops only its start byte, as the stop byte alone is a weak check
 * (a run of 0x68 finds a 0x16 in the telegram after it one time in three).
 */
export function scanMbus(buf: Buffer, at: number): Scan<MbusFrame> {
  const avail = buf.length - at;
  if (avail < 3) return NEED;
  const l = buf.readUInt8(at + 1);
  if (buf[at + 2] !== l) return LENGTHS_DIFFER;
  if (l < 5) return TOO_SHORT;
  if (avail < 4) return NEED;
  if (buf[at] !== 0x68 || buf[at + 3] !== 0x68) return NOT_LONG_FRAME;
  const size = l + 6;
  if (avail < size) return NEED;
  if (buf[at + size - 1] !== 0x16) return NO_STOP;
  let sum = 0;
  for (const byte of buf.subarray(at + 4, at + 4 + l)) sum += byte;
  if ((sum & 0xff) !== buf.readUInt8(at + 4 + l))
    return { kind: 'reject', reason: 'M-Bus checksum mismatch', skip: buf.readUInt8(at + 6) <= MAX_DLMS_CI ? size : 1, checked: l };
  const frame = {
    control: buf.readUInt8(at + 4),
    address: buf.readUInt8(at + 5),
    ci: buf.readUInt8(at + 6),
    stsap: buf.readUInt8(at + 7),
    dtsap: buf.readUInt8(at + 8),
    data: Buffer.from(buf.subarray(at + 9, at + 4 + l)),
  };
  return { kind: 'frame', frame, size, checked: l };
}

/** One long frame at `buf[0]`, or null when more bytes are needed. */
export function decodeMbus(buf: Buffer): { frame: MbusFrame; size: number } | null {
  return frameOrThrow(scanMbus(buf, 0));
}

/** Split an APDU into M-Bus frames (CI 0x00, 0x01 … and 0x1n on the last). */
export function segmentMbus(apdu: Buffer, control = 0x53, address = 0xff, stsap = 0x01, dtsap = 0x67): Buffer[] {
  const frames: Buffer[] = [];
  for (let off = 0, seq = 0; off < apdu.length || seq === 0; off += MBUS_MAX_SEGMENT, seq++) {
    const data = apdu.subarray(off, off + MBUS_MAX_SEGMENT);
    const last = off + MBUS_MAX_SEGMENT >= apdu.length;
    frames.push(encodeMbus({ control, address, ci: (seq & 0x0f) | (last ? 0x10 : 0), stsap, dtsap, data }));
  }
  return frames;
}

/**
 * Joins M-Bus segments in order; a gap in the sequence drops the partial APDU with an
 * error, and so does a sequence that outgrows `SEGMENT_LIMITS` (the 4-bit counter wraps,
 * so it alone never ends one).
 */
export class MbusAssembler {
  private parts: Buffer[] = [];
  private bytes = 0;

  push(frame: MbusFrame): Buffer | null {
    const seq = frame.ci & 0x0f;
    if (seq !== (this.parts.length & 0x0f)) {
      const expected = this.parts.length & 0x0f;
      this.reset();
      throw new DlmsFrameError(`M-Bus segment ${seq} arrived where segment ${expected} was expected (a segment was lost)`);
    }
    this.parts.push(frame.data);
    this.bytes += frame.data.length;
    if (this.parts.length > SEGMENT_LIMITS.segments || this.bytes > SEGMENT_LIMITS.bytes) {
      this.reset();
      throw new DlmsFrameError(
        `M-Bus segmented APDU exceeds ${SEGMENT_LIMITS.segments} segments or ${SEGMENT_LIMITS.bytes} bytes without a last segment`,
      );
    }
    if ((frame.ci & 0x10) === 0) return null;
    const whole = Buffer.concat(this.parts);
    this.reset();
    return whole;
  }

  reset(): void {
    this.parts = [];
    this.bytes = 0;
  }
}
