/**
 * SCOM data-link frames: 0xAA, flags, src, dst, data length, header checksum, data,
 * data checksum. Little-endian throughout. Decoding never throws: bad input is a result.
 */
import { scomChecksum } from './checksum.ts';
import { FRAME_OVERHEAD, FRAME_START, HEADER_LENGTH, MAX_DATA_LENGTH } from './constants.ts';
import { byteAt } from '../bytes.ts';

export interface ScomFrame {
  flags: number;
  src: number;
  dst: number;
  data: Uint8Array;
}

export type Decoded<T> = { ok: true; value: T } | { ok: false; error: string };

export function encodeFrame(frame: ScomFrame): Uint8Array {
  const n = frame.data.length;
  if (n > 0xffff) throw new RangeError(`frame data of ${n} bytes does not fit a 16-bit length`);
  const out = new Uint8Array(FRAME_OVERHEAD + n);
  const view = new DataView(out.buffer);
  out[0] = FRAME_START;
  out[1] = frame.flags & 0xff;
  view.setUint32(2, frame.src >>> 0, true);
  view.setUint32(6, frame.dst >>> 0, true);
  view.setUint16(10, n, true);
  out.set(scomChecksum(out, 1, 12), 12);
  out.set(frame.data, HEADER_LENGTH);
  out.set(scomChecksum(frame.data), HEADER_LENGTH + n);
  return out;
}

/** Check a header at `offset`; returns the data length it announces. */
export function checkHeader(bytes: Uint8Array, offset = 0): Decoded<number> {
  if (bytes.length - offset < HEADER_LENGTH)
    return { ok: false, error: `header needs ${HEADER_LENGTH} bytes, got ${bytes.length - offset}` };
  const start = byteAt(bytes, offset);
  if (start !== FRAME_START) return { ok: false, error: `start byte is 0x${start.toString(16)}, expected 0xaa` };
  const [a, b] = scomChecksum(bytes, offset + 1, offset + 12);
  if (bytes[offset + 12] !== a || bytes[offset + 13] !== b) return { ok: false, error: 'header checksum mismatch' };
  const length = byteAt(bytes, offset + 10) | (byteAt(bytes, offset + 11) << 8);
  if (length > MAX_DATA_LENGTH) return { ok: false, error: `data length ${length} exceeds ${MAX_DATA_LENGTH}` };
  return { ok: true, value: length };
}

/** Decode exactly one frame that starts at `offset`. */
export function decodeFrame(bytes: Uint8Array, offset = 0): Decoded<ScomFrame> {
  const header = checkHeader(bytes, offset);
  if (!header.ok) return header;
  const n = header.value;
  const end = offset + FRAME_OVERHEAD + n;
  if (bytes.length < end) return { ok: false, error: `frame needs ${FRAME_OVERHEAD + n} bytes, got ${bytes.length - offset}` };
  const dataStart = offset + HEADER_LENGTH;
  const [a, b] = scomChecksum(bytes, dataStart, dataStart + n);
  if (bytes[dataStart + n] !== a || bytes[dataStart + n + 1] !== b) return { ok: false, error: 'data checksum mismatch' };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    ok: true,
    value: {
      flags: byteAt(bytes, offset + 1),
      src: view.getUint32(offset + 2, true),
      dst: view.getUint32(offset + 6, true),
      data: bytes.slice(dataStart, dataStart + n),
    },
  };
}
