/**
 * The meter's side of the DL/T 645 wire, written from protocols/dlt645.md on its own (it
 * shares no code with the bridge's codec, so a shared misreading cannot pass the tests).
 */

export interface MasterRequest {
  /** Address digits as written in documents: "000000000161", "AAAAAAAAAAAA", "999999999999". */
  address: string;
  control: number;
  /** Data field with the 0x33 removed. */
  data: number[];
}

/** "000000000161" → [0x61, 0x01, 0, 0, 0, 0]. */
export function addressBytes(address: string): number[] {
  const pairs: number[] = [];
  for (let i = 12; i > 0; i -= 2) pairs.push(parseInt(address.substring(i - 2, i), 16));
  return pairs;
}

/** A complete frame the meter sends: 68 A 68 C L DATA+33 CS 16, with optional FE wake-up bytes. */
export function meterFrame(address: string, control: number, data: number[], wakeUp = 0): Buffer {
  const body = [0x68, ...addressBytes(address), 0x68, control, data.length, ...data.map((b) => (b + 0x33) % 256)];
  const cs = body.reduce((a, b) => a + b, 0) % 256;
  return Buffer.from([...new Array<number>(wakeUp).fill(0xfe), ...body, cs, 0x16]);
}

/** "02010100" → DI bytes as sent, low byte first. */
export function diToWire(di: string): number[] {
  return [6, 4, 2, 0].map((i) => parseInt(di.substring(i, i + 2), 16));
}

export function diFromWire(bytes: number[]): string {
  return bytes
    .slice(0, 4)
    .reverse()
    .map((b) => b.toString(16).padStart(2, '0'))
    .join('')
    .toUpperCase();
}

/**
 * Packed BCD, low byte first, `decimals` implied; the sign goes into the top bit of the last
 * byte for signed quantities.
 */
export function toBcd(value: number, bytes: number, decimals: number, signed: boolean): number[] {
  let digits = Math.round(Math.abs(value) * 10 ** decimals);
  const max = signed ? 8 * 10 ** (2 * bytes - 1) - 1 : 10 ** (2 * bytes) - 1;
  digits = Math.min(digits, max);
  const negative = signed && value < 0 && digits !== 0;
  const out: number[] = [];
  for (let i = 0; i < bytes; i++) {
    const two = digits % 100;
    digits = Math.floor(digits / 100);
    const sign = negative && i === bytes - 1 ? 0x80 : 0;
    out.push(Math.floor(two / 10) * 16 + (two % 10) + sign);
  }
  return out;
}

/** Pulls master requests out of a byte stream; skips FE and anything that is not a good frame. */
export class RequestReader {
  private pending: Buffer = Buffer.alloc(0);

  feed(chunk: Buffer): MasterRequest[] {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const found: MasterRequest[] = [];
    let i = 0;
    for (;;) {
      i = this.pending.indexOf(0x68, i);
      if (i < 0) {
        this.pending = Buffer.alloc(0);
        break;
      }
      const rest = this.pending.length - i;
      if (rest < 12) {
        this.pending = this.pending.subarray(i);
        break;
      }
      const len = this.pending.readUInt8(i + 9);
      if (this.pending[i + 7] !== 0x68) {
        i++;
        continue;
      }
      if (rest < 12 + len) {
        this.pending = this.pending.subarray(i);
        break;
      }
      const frame = this.pending.subarray(i, i + 12 + len);
      let sum = 0;
      for (const b of frame.subarray(0, 10 + len)) sum = (sum + b) % 256;
      if (sum !== frame[10 + len] || frame[11 + len] !== 0x16) {
        i++;
        continue;
      }
      const address = [...frame.subarray(1, 7)]
        .reverse()
        .map((b) => b.toString(16).padStart(2, '0'))
        .join('')
        .toUpperCase();
      const data = [...frame.subarray(10, 10 + len)].map((b) => (b + 256 - 0x33) % 256);
      found.push({ address, control: frame.readUInt8(8), data });
      i += 12 + len;
    }
    return found;
  }
}
