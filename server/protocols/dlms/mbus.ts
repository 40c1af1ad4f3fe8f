/**
 * M-Bus long frames carrying DLMS segments (Austrian Kaifa customer interface,
 * protocols/dlms-cosem.md §4): `68 L L 68 C A CI STSAP DTSAP <segment> CS 16`.
 */
import { DlmsFrameError } from './errors.ts';

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
  for (let i = 4; i < 4 + l; i++) sum += b[i];
  b[4 + l] = sum & 0xff;
  b[5 + l] = 0x16;
  return b;
}

/** One long frame at `buf[0]`, or null when more bytes are needed. */
export function decodeMbus(buf: Buffer): { frame: MbusFrame; size: number } | null {
  if (buf.length < 4) return null;
  if (buf[0] !== 0x68 || buf[3] !== 0x68) throw new DlmsFrameError('M-Bus long frame does not start with 68 L L 68');
  const l = buf[1];
  if (buf[2] !== l) throw new DlmsFrameError(`M-Bus length bytes differ (${l} and ${buf[2]})`);
  if (l < 5) throw new DlmsFrameError(`M-Bus length ${l} is too short for a DLMS segment`);
  const size = l + 6;
  if (buf.length < size) return null;
  if (buf[size - 1] !== 0x16) throw new DlmsFrameError('M-Bus frame does not end with 0x16');
  let sum = 0;
  for (let i = 4; i < 4 + l; i++) sum += buf[i];
  if ((sum & 0xff) !== buf[4 + l]) throw new DlmsFrameError('M-Bus checksum mismatch');
  return {
    frame: { control: buf[4], address: buf[5], ci: buf[6], stsap: buf[7], dtsap: buf[8], data: Buffer.from(buf.subarray(9, 4 + l)) },
    size,
  };
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

/** Joins M-Bus segments in order; a gap in the sequence drops the partial APDU with an error. */
export class MbusAssembler {
  private parts: Buffer[] = [];

  push(frame: MbusFrame): Buffer | null {
    const seq = frame.ci & 0x0f;
    if (seq !== (this.parts.length & 0x0f)) {
      const expected = this.parts.length;
      this.parts = [];
      throw new DlmsFrameError(`M-Bus segment ${seq} arrived where segment ${expected} was expected (a segment was lost)`);
    }
    this.parts.push(frame.data);
    if ((frame.ci & 0x10) === 0) return null;
    const whole = Buffer.concat(this.parts);
    this.parts = [];
    return whole;
  }

  reset(): void {
    this.parts = [];
  }
}
