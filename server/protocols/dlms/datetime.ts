/** COSEM date-time (12 bytes, protocols/dlms-cosem.md §6.3). */
import { DlmsDecodeError } from './errors.ts';

export interface CosemDateTime {
  /** null where the meter sends "not specified". */
  year: number | null;
  month: number | null;
  day: number | null;
  dayOfWeek: number | null;
  hour: number | null;
  minute: number | null;
  second: number | null;
  hundredths: number | null;
  /** Minutes, UTC − local (Austrian summer time sends −120); null when not specified. */
  deviation: number | null;
  status: number;
  /** Epoch milliseconds when the date, time and deviation are all given; else null. */
  timestamp: number | null;
}

const NS8 = 0xff;

export function decodeDateTime(b: Uint8Array): CosemDateTime {
  if (b.length !== 12) throw new DlmsDecodeError(`COSEM date-time must be 12 bytes, got ${b.length}`);
  const buf = Buffer.from(b.buffer, b.byteOffset, b.length);
  const yearRaw = buf.readUInt16BE(0);
  const pick = (v: number, max: number) => (v === NS8 || v > max ? null : v);
  const year = yearRaw === 0xffff ? null : yearRaw;
  const month = pick(buf.readUInt8(2), 12);
  const day = pick(buf.readUInt8(3), 31);
  const devRaw = buf.readInt16BE(9);
  const dt: CosemDateTime = {
    year,
    month,
    day,
    dayOfWeek: pick(buf.readUInt8(4), 7),
    hour: pick(buf.readUInt8(5), 23),
    minute: pick(buf.readUInt8(6), 59),
    second: pick(buf.readUInt8(7), 59),
    hundredths: pick(buf.readUInt8(8), 99),
    deviation: devRaw === -0x8000 ? null : devRaw,
    status: buf.readUInt8(11),
    timestamp: null,
  };
  if (
    year !== null &&
    month !== null &&
    day !== null &&
    dt.hour !== null &&
    dt.minute !== null &&
    dt.second !== null &&
    dt.deviation !== null &&
    month > 0 &&
    day > 0
  ) {
    // deviation = UTC − local, so UTC = local + deviation.
    dt.timestamp = Date.UTC(year, month - 1, day, dt.hour, dt.minute, dt.second, (dt.hundredths ?? 0) * 10) + dt.deviation * 60_000;
  }
  return dt;
}

/** Local wall-clock text `2021-07-19T15:46:35`, with `+02:00` when the deviation is known. */
export function formatDateTime(dt: CosemDateTime): string | null {
  if (dt.year === null || dt.month === null || dt.day === null) return null;
  const p = (n: number | null) => String(n ?? 0).padStart(2, '0');
  const base = `${dt.year}-${p(dt.month)}-${p(dt.day)}T${p(dt.hour)}:${p(dt.minute)}:${p(dt.second)}`;
  if (dt.deviation === null) return base;
  const offset = -dt.deviation;
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${base}${sign}${p(Math.floor(abs / 60))}:${p(abs % 60)}`;
}

export function encodeDateTime(dt: Omit<CosemDateTime, 'timestamp'>): Buffer {
  const b = Buffer.alloc(12);
  b.writeUInt16BE(dt.year ?? 0xffff, 0);
  const put = (i: number, v: number | null) => (b[i] = v ?? NS8);
  put(2, dt.month);
  put(3, dt.day);
  put(4, dt.dayOfWeek);
  put(5, dt.hour);
  put(6, dt.minute);
  put(7, dt.second);
  put(8, dt.hundredths);
  b.writeInt16BE(dt.deviation ?? -0x8000, 9);
  b[11] = dt.status;
  return b;
}
