/**
 * Readings out of a notification body. Handles the nested layout (structures of
 * OBIS, value, scaler/unit — Aidon, TINETZ) and the flat one (OBIS, value and scaler/unit
 * as consecutive elements — EVN), and mixtures of both (protocols/dlms-cosem.md §6.5).
 */
import { dataNumber, encodeData, type DlmsData } from './axdr.ts';
import { decodeDateTime, formatDateTime } from './datetime.ts';
import { formatObis } from './obis.ts';
import { unitName } from './units.ts';

export interface CosemReading {
  obis: string;
  /** Physical value (raw × 10^scaler) or text; null when the type has no scalar form. */
  value: number | string | null;
  unit?: string;
  scaler?: number;
  /** The raw value as hex of its A-XDR encoding. */
  raw: string;
}

export interface ScalerUnit {
  scaler: number;
  unit?: string;
}

function isObis(d: DlmsData | undefined): d is { type: 'octet-string'; value: Buffer } {
  return d !== undefined && d.type === 'octet-string' && d.value.length === 6;
}

/** `structure{integer scaler, enum unit}` (attribute 3 of a Register). */
export function scalerUnitOf(d: DlmsData | undefined): ScalerUnit | undefined {
  if (d?.type !== 'structure' || d.items.length !== 2) return undefined;
  const [s, u] = d.items;
  if (s?.type !== 'integer' || u?.type !== 'enum') return undefined;
  return { scaler: s.value, unit: unitName(u.value) };
}

/** Scale a raw number, rounding away binary noise (2308 × 10⁻¹ = 230.8, not 230.79999). */
export function applyScaler(raw: number, scaler: number): number {
  if (scaler === 0) return raw;
  const v = raw * 10 ** scaler;
  return scaler < 0 ? Number(v.toFixed(Math.min(-scaler, 20))) : v;
}

const PRINTABLE = /^[\x20-\x7e]*$/;

/** Scalar form of a Data value: number, text (printable octets, date-times) or null. */
export function scalarValue(d: DlmsData): number | string | null {
  const n = dataNumber(d);
  if (n !== undefined) return n;
  switch (d.type) {
    case 'boolean':
      return d.value ? 1 : 0;
    case 'visible-string':
    case 'utf8-string':
      return d.value;
    case 'date-time':
      return formatDateTime(decodeDateTime(d.value));
    case 'octet-string': {
      const text = d.value.toString('latin1');
      if (d.value.length > 0 && PRINTABLE.test(text)) return text;
      if (d.value.length === 12 && looksLikeDateTime(d.value)) return formatDateTime(decodeDateTime(d.value));
      return d.value.toString('hex');
    }
    case 'bit-string':
      return d.bytes.toString('hex');
    default:
      return null;
  }
}

/** `b` is 12 bytes (a COSEM date-time's size). */
function looksLikeDateTime(b: Buffer): boolean {
  const month = b.readUInt8(2);
  const day = b.readUInt8(3);
  return (month >= 1 && month <= 12) || month >= 0xfd ? day >= 1 && (day <= 31 || day >= 0xfd) : false;
}

export function makeReading(obis: string, value: DlmsData, su?: ScalerUnit): CosemReading {
  const scalar = scalarValue(value);
  const reading: CosemReading = { obis, value: scalar, raw: encodeData(value).toString('hex') };
  if (su) {
    reading.scaler = su.scaler;
    if (su.unit !== undefined) reading.unit = su.unit;
    if (typeof scalar === 'number') reading.value = applyScaler(scalar, su.scaler);
  }
  return reading;
}

/** Every OBIS-labelled value in a notification body, in order. */
export function readingsFromBody(body: DlmsData): CosemReading[] {
  const out: CosemReading[] = [];
  collect(body, out);
  return out;
}

function collect(d: DlmsData, out: CosemReading[]): void {
  if (d.type !== 'array' && d.type !== 'structure') return;
  const items = d.items;
  const [first, second, third] = items;
  if (isObis(first) && second !== undefined && items.length <= 3 && !isObis(second) && (items.length === 2 || scalerUnitOf(third))) {
    out.push(makeReading(formatObis(first.value), second, scalerUnitOf(third)));
    return;
  }
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    const value = items[i + 1];
    if (isObis(item) && value !== undefined) {
      const su = scalerUnitOf(items[i + 2]);
      out.push(makeReading(formatObis(item.value), value, su));
      i += su ? 2 : 1;
    } else if (item !== undefined) {
      collect(item, out);
    }
  }
}
