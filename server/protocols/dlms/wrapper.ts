/** IEC 62056-47 TCP/UDP wrapper: version 0x0001, source and destination wPort, APDU length. */
import { DlmsFrameError } from './errors.ts';

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

/**
 * One wrapper frame at the start of `buf`: the frame and its size, or null when more bytes
 * are needed.
 */
export function decodeWrapper(buf: Buffer): { frame: WrapperFrame; size: number } | null {
  if (buf.length < WRAPPER_HEADER) return null;
  const version = buf.readUInt16BE(0);
  if (version !== 1) throw new DlmsFrameError(`wrapper version ${version}, expected 1`);
  const source = buf.readUInt16BE(2);
  const destination = buf.readUInt16BE(4);
  // wPorts are 16-bit but every assignment in use is below 256; a larger one means a
  // stray `00 01` inside other data, not a wrapper (and must not make us wait for its length).
  if (source > 0xff || destination > 0xff) throw new DlmsFrameError(`wrapper wPorts ${source}/${destination} out of range`);
  const length = buf.readUInt16BE(6);
  if (buf.length < WRAPPER_HEADER + length) return null;
  return {
    frame: { source, destination, apdu: Buffer.from(buf.subarray(WRAPPER_HEADER, WRAPPER_HEADER + length)) },
    size: WRAPPER_HEADER + length,
  };
}
