/** OBIS logical names: 6 bytes on the wire, `A-B:C.D.E.F` in text (the seed's form). */
import { DlmsDecodeError } from './errors.ts';

export function formatObis(bytes: Uint8Array): string {
  if (bytes.length !== 6) throw new DlmsDecodeError(`OBIS code must be 6 bytes, got ${bytes.length}`);
  return `${bytes[0]}-${bytes[1]}:${bytes[2]}.${bytes[3]}.${bytes[4]}.${bytes[5]}`;
}

const OBIS_TEXT = /^(\d{1,3})-(\d{1,3}):(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:[.*](\d{1,3}))?$/;

/** Parses `1-0:1.8.0.255`, `1-0:1.8.0*255` or `1-0:1.8.0` (F defaults to 255). */
export function parseObis(text: string): Buffer {
  const m = OBIS_TEXT.exec(text.trim());
  if (!m) throw new DlmsDecodeError(`"${text}" is not an OBIS code like 1-0:1.8.0.255`);
  const parts = m.slice(1, 7).map((p, i) => (p === undefined && i === 5 ? 255 : Number(p)));
  if (parts.some((p) => p > 255)) throw new DlmsDecodeError(`"${text}": each OBIS group must be 0..255`);
  return Buffer.from(parts);
}

/** Canonical text form of any accepted OBIS spelling. */
export function normaliseObis(text: string): string {
  return formatObis(parseObis(text));
}
