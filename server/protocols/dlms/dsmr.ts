/**
 * DSMR-style text that some meters encrypt inside general-glo-ciphering (Luxembourg
 * Smarty, protocols/dlms-cosem.md §8.3): lines `1-0:1.8.0(000006.695*kWh)`.
 */
import type { CosemReading } from './readings.ts';

const LINE = /^(\d{1,3}-\d{1,3}:\d{1,3}\.\d{1,3}\.\d{1,3})\(([^()]*)\)$/;
const NUMBER = /^([-+]?\d+(?:\.\d+)?)(?:\*(.+))?$/;

export function isDsmrText(plaintext: Buffer): boolean {
  return plaintext.length > 0 && plaintext[0] === 0x2f; // '/'
}

/** Numeric and text readings of a DSMR telegram; OBIS codes get F = 255. */
export function readingsFromDsmr(text: string): CosemReading[] {
  const out: CosemReading[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = LINE.exec(line.trim());
    if (!m) continue;
    const obis = `${m[1]}.255`;
    const n = NUMBER.exec(m[2]);
    if (n) {
      const reading: CosemReading = { obis, value: Number(n[1]), raw: m[2] };
      if (n[2] !== undefined) reading.unit = n[2];
      out.push(reading);
    } else if (m[2] !== '') {
      out.push({ obis, value: m[2], raw: m[2] });
    }
  }
  return out;
}
