/**
 * The application frames the bridge uses: read data (0x11), read follow-up (0x12) and read
 * address (0x13), their replies, and error replies. The parsers never throw.
 */
import { addressFromBytes, addressToBytes, WILDCARD_ADDRESS } from './address.ts';
import { controlBits, FUNCTION } from './control.ts';
import { errorWordMeanings } from './errors.ts';
import type { Dlt645Frame } from './frame.ts';
import { byteAt } from '../bytes.ts';

const DI = /^[0-9A-Fa-f]{8}$/;

/** "02010100" → 00 01 01 02 (low byte first, unscrambled). */
export function diBytes(di: string): Uint8Array {
  if (!DI.test(di)) throw new RangeError(`data identifier "${di}" must be 8 hex digits`);
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) out[i] = parseInt(di.slice(6 - 2 * i, 8 - 2 * i), 16);
  return out;
}

export function diFromBytes(bytes: Uint8Array, offset = 0): string {
  let s = '';
  for (let i = 3; i >= 0; i--)
    s += byteAt(bytes, offset + i)
      .toString(16)
      .padStart(2, '0');
  return s.toUpperCase();
}

export function readDataRequest(address: string, di: string): Dlt645Frame {
  return { address, control: FUNCTION.readData, data: diBytes(di) };
}

export function readFollowUpRequest(address: string, di: string, seq: number): Dlt645Frame {
  const data = new Uint8Array(5);
  data.set(diBytes(di), 0);
  data[4] = seq & 0xff;
  return { address, control: FUNCTION.readFollowUp, data };
}

/** Read-address on the wildcard (the standard) or another address some meters want (99…99). */
export function readAddressRequest(address = WILDCARD_ADDRESS): Dlt645Frame {
  return { address, control: FUNCTION.readAddress, data: new Uint8Array(0) };
}

export function readDataReply(address: string, di: string, value: Uint8Array, followUp = false): Dlt645Frame {
  const data = new Uint8Array(4 + value.length);
  data.set(diBytes(di), 0);
  data.set(value, 4);
  return { address, control: FUNCTION.readData | 0x80 | (followUp ? 0x20 : 0), data };
}

export function readAddressReply(address: string): Dlt645Frame {
  const data = new Uint8Array(6);
  addressToBytes(address, data, 0);
  return { address, control: FUNCTION.readAddress | 0x80, data };
}

export function errorReply(address: string, func: number, errorWord: number): Dlt645Frame {
  return { address, control: (func & 0x1f) | 0xc0, data: Uint8Array.of(errorWord & 0xff) };
}

export type Dlt645Reply =
  | { kind: 'data'; address: string; func: number; di: string; value: Uint8Array; followUp: boolean }
  | { kind: 'address'; address: string; reported: string }
  | { kind: 'error'; address: string; func: number; errorWord: number; meanings: string[] }
  | { kind: 'request'; address: string; func: number }
  | { kind: 'invalid'; address: string; reason: string };

/** What a frame says, from the master's side. */
export function parseReply(frame: Dlt645Frame): Dlt645Reply {
  const bits = controlBits(frame.control);
  const { address, data } = frame;
  if (!bits.fromSlave) return { kind: 'request', address, func: bits.func };
  if (bits.error) {
    const [errorWord] = data;
    if (errorWord === undefined) return { kind: 'invalid', address, reason: 'error reply without an error word' };
    return { kind: 'error', address, func: bits.func, errorWord, meanings: errorWordMeanings(errorWord) };
  }
  if (bits.func === FUNCTION.readAddress) {
    if (data.length !== 6) return { kind: 'invalid', address, reason: `address reply with ${data.length} data bytes, expected 6` };
    return { kind: 'address', address, reported: addressFromBytes(data, 0) };
  }
  if (bits.func === FUNCTION.readData || bits.func === FUNCTION.readFollowUp) {
    if (data.length < 4) return { kind: 'invalid', address, reason: `data reply with ${data.length} data bytes, shorter than a DI` };
    return { kind: 'data', address, func: bits.func, di: diFromBytes(data), value: data.subarray(4), followUp: bits.followUp };
  }
  return { kind: 'invalid', address, reason: `unsupported reply function 0x${bits.func.toString(16)}` };
}
