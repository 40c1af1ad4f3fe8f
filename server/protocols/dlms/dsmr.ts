/**
 * DSMR-style text that some meters encrypt inside general-glo-ciphering (Luxembourg
 * Smarty, protocols/dlms-cosem.md §8.3): lines `1-0:1.8.0(000006.695*kWh)`.
 *
 * Two value forms are not numbers although they look like them: text objects (the logical
 * device name `0-0:42.0.0`, equipment ids, messages) are hex-encoded ASCII, and time stamps
 * are `YYMMDDhhmmssX` with X = W (winter) or S (summer) local time.
 */
import type { CosemReading } from './readings.ts';

const LINE = /^(\d{1,3}-\d{1,3}:\d{1,3}\.\d{1,3}\.\d{1,3})\(([^()]*)\)$/;
const NUMBER = /^([-+]?\d+(?:\.\d+)?)(?:\*(.+))?$/;
const TIMESTAMP = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})([WS])$/;
const HEX = /^(?:[0-9A-Fa-f]{2})+$/;
const PRINTABLE = /^[\x20-\x7e]*$/;

/** Objects DSMR sends as hex-encoded text: logical device name, equipment ids, text messages. */
const HEX_TEXT = new Set(['0-0:42.0.0', '0-0:96.1.0', '0-0:96.1.1', '0-0:96.13.0', '0-1:96.1.0', '0-2:96.1.0', '0-3:96.1.0', '0-4:96.1.0']);

/**
 * The meters sending DSMR inside DLMS are Luxembourg's Smarty and Dutch ones, on central
 * European time: winter time is UTC+1, summer time UTC+2.
 */
const OFFSET = { W: '+01:00', S: '+02:00' } as const;

export function isDsmrText(plaintext: Buffer): boolean {
  return plaintext.length > 0 && plaintext[0] === 0x2f; // '/'
}

/** `180130102122W` as ISO 8601 with its offset (`2018-01-30T10:21:22+01:00`), or null. */
export function dsmrTimestamp(value: string): { iso: string; epochMs: number } | null {
  const m = TIMESTAMP.exec(value);
  if (!m) return null;
  const [, yy, mo, dd, hh, mi, ss, season] = m;
  const iso = `20${yy}-${mo}-${dd}T${hh}:${mi}:${ss}${OFFSET[season as 'W' | 'S']}`;
  const epochMs = Date.parse(iso);
  return Number.isNaN(epochMs) ? null : { iso, epochMs };
}

/** Hex-encoded ASCII of a text object, decoded; null when it is not printable text. */
function hexText(value: string): string | null {
  if (!HEX.test(value)) return null;
  const text = Buffer.from(value, 'hex').toString('latin1');
  return PRINTABLE.test(text) ? text : null;
}

/** Numeric and text readings of a DSMR telegram; OBIS codes get F = 255. */
export function readingsFromDsmr(text: string): CosemReading[] {
  const out: CosemReading[] = [];
  for (const line of text.split(/\r?\n/)) {
    const [, code, raw] = LINE.exec(line.trim()) ?? [];
    if (code === undefined || raw === undefined) continue;
    const obis = `${code}.255`;
    const asText = HEX_TEXT.has(code) ? hexText(raw) : null;
    const time = asText === null ? dsmrTimestamp(raw) : null;
    const [, number, unit] = (asText === null && time === null ? NUMBER.exec(raw) : null) ?? [];
    if (asText !== null) out.push({ obis, value: asText, raw });
    else if (time) out.push({ obis, value: time.iso, raw });
    else if (number !== undefined) {
      const reading: CosemReading = { obis, value: Number(number), raw };
      if (unit !== undefined) reading.unit = unit;
      out.push(reading);
    } else if (raw !== '') {
      out.push({ obis, value: raw, raw });
    }
  }
  return out;
}
