/** IEC 62056-47 TCP/UDP wrapper: version 0x0001, source and destination wPort, APDU length. */
import { frameOrThrow, headerReject, NEED, type Scan } from './scan.ts';

export const WRAPPER_HEADER = 8;

export interface WrapperFrame {
  source: number;
  destination: number;
  apdu: Buffer;
}

export function encodeWrapper(source: number, destination: number, apdu: Uint8Array): Buffer {
  const b = Buffer.alloc(WRAPPER_HEADER + apdu.length);
  b.writeUInt16BE(1, 0);
  b.writeUInt16BE(source, 2);
  b.writeUInt16BE(destination, 4);
  b.writeUInt16BE(apdu.length, 6);
  b.set(apdu, WRAPPER_HEADER);
  return b;
}

/** Largest frame the wrapper's 16-bit length allows: the most a stream ever holds back for one. */
export const WRAPPER_MAX_FRAME = WRAPPER_HEADER + 0xffff;

const NOT_VERSION_1 = headerReject('wrapper version is not 1');
// wPorts are 16-bit but every assignment in use is below 256; a larger one means a
// stray `00 01` inside other data, not a wrapper (and must not make us wait for its length).
const WPORT_RANGE = headerReject('wrapper wPort above 255');

/** One wrapper frame at `buf[at]`, without throwing. */
export function scanWrapper(buf: Buffer, at: number): Scan<WrapperFrame> {
  const avail = buf.length - at;
  if (avail < 2) return NEED;
  if (buf[at] !== 0 || buf[at + 1] !== 1) return NOT_VERSION_1;
  if ((avail > 2 && buf[at + 2] !== 0) || (avail > 4 && buf[at + 4] !== 0)) return WPORT_RANGE;
  if (avail < WRAPPER_HEADER) return NEED;
  const length = buf.readUInt16BE(at + 6);
  if (avail < WRAPPER_HEADER + length) return NEED;
  const apdu = Buffer.from(buf.subarray(at + WRAPPER_HEADER, at + WRAPPER_HEADER + length));
  return {
    kind: 'frame',
    frame: { source: buf.readUInt8(at + 3), destination: buf.readUInt8(at + 5), apdu },
    size: WRAPPER_HEADER + length,
    checked: 0,
  };
}

/**
 * One wrapper frame at the start of `buf`: the frame and its size, or null when more bytes
 * are needed.
 */
export function decodeWrapper(buf: Buffer): { frame: WrapperFrame; size: number } | null {
  return frameOrThrow(scanWrapper(buf, 0));
}
