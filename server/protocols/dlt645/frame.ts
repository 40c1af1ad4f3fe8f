/**
 * DL/T 645 frame: [FE…] 68 A0..A5 68 C L DATA CS 16. DATA is held here unscrambled; on the
 * wire every data byte is +0x33. CS is the byte sum from the first 0x68 to the last data byte.
 */
import { addressFromBytes, addressToBytes } from './address.ts';
import { Dlt645FrameError } from './errors.ts';
import { byteAt } from '../bytes.ts';

export const START = 0x68;
export const END = 0x16;
export const PREAMBLE = 0xfe;
export const SCRAMBLE = 0x33;
export const HEADER_LENGTH = 10;
/** Start, address, start, C, L, CS and end: a frame is this plus L bytes. */
export const OVERHEAD = 12;

export interface Dlt645Frame {
  /** 12 characters, most significant digit first ("000000000161"). */
  address: string;
  control: number;
  /** The data field after removing the +0x33. */
  data: Uint8Array;
}

export function checksum(bytes: Uint8Array, from: number, to: number): number {
  let sum = 0;
  for (const b of bytes.subarray(from, to)) sum += b;
  return sum & 0xff;
}

/** The frame as sent, with `preamble` wake-up bytes 0xFE in front (0–4 usual). */
export function encodeFrame(frame: Dlt645Frame, preamble = 0): Uint8Array {
  const len = frame.data.length;
  if (len > 255) throw new Dlt645FrameError('data_too_long', `data field of ${len} bytes does not fit the length byte`);
  const out = new Uint8Array(preamble + OVERHEAD + len);
  out.fill(PREAMBLE, 0, preamble);
  const o = preamble;
  out[o] = START;
  addressToBytes(frame.address, out, o + 1);
  out[o + 7] = START;
  out[o + 8] = frame.control & 0xff;
  out[o + 9] = len;
  frame.data.forEach((b, i) => {
    out[o + HEADER_LENGTH + i] = (b + SCRAMBLE) & 0xff;
  });
  out[o + HEADER_LENGTH + len] = checksum(out, o, o + HEADER_LENGTH + len);
  out[o + OVERHEAD - 1 + len] = END;
  return out;
}

/**
 * Check the frame starting at `offset` (its first 0x68) and return it, or the reason it is
 * not one. Never throws; `length` is how many bytes from `offset` are available.
 */
export function checkFrameAt(bytes: Uint8Array, offset: number, length = bytes.length - offset): Dlt645Frame | Dlt645FrameError {
  if (length < OVERHEAD) return new Dlt645FrameError('too_short', `${length} bytes is shorter than the 12-byte minimum frame`);
  if (length > bytes.length - offset)
    return new Dlt645FrameError('too_short', `${length} bytes claimed from offset ${offset}, only ${bytes.length - offset} there`);
  const frame = bytes.subarray(offset, offset + length);
  const first = byteAt(frame, 0);
  if (first !== START) return new Dlt645FrameError('no_start', `expected 0x68 at the start, got 0x${hex(first)}`);
  const second = byteAt(frame, 7);
  if (second !== START) return new Dlt645FrameError('no_second_start', `expected 0x68 after the address, got 0x${hex(second)}`);
  const len = byteAt(frame, 9);
  if (length !== OVERHEAD + len) return new Dlt645FrameError('length_mismatch', `L = ${len} needs ${OVERHEAD + len} bytes, got ${length}`);
  const cs = checksum(frame, 0, HEADER_LENGTH + len);
  const sent = byteAt(frame, HEADER_LENGTH + len);
  if (cs !== sent) return new Dlt645FrameError('bad_checksum', `checksum 0x${hex(sent)} should be 0x${hex(cs)}`);
  const end = byteAt(frame, OVERHEAD - 1 + len);
  if (end !== END) return new Dlt645FrameError('no_end', `expected 0x16 at the end, got 0x${hex(end)}`);
  const data = frame.slice(HEADER_LENGTH, HEADER_LENGTH + len).map((b) => (b - SCRAMBLE) & 0xff);
  return { address: addressFromBytes(frame, 1), control: byteAt(frame, 8), data };
}

/** Decode exactly one frame (leading 0xFE allowed); throws Dlt645FrameError naming the fault. */
export function decodeFrame(bytes: Uint8Array): Dlt645Frame {
  let start = 0;
  while (start < bytes.length && bytes[start] === PREAMBLE) start++;
  const result = checkFrameAt(bytes, start);
  if (result instanceof Dlt645FrameError) throw result;
  return result;
}

function hex(b: number | undefined): string {
  return (b ?? 0).toString(16).padStart(2, '0').toUpperCase();
}
