/**
 * COSEM readings to hub readings: the register for each OBIS code (from the table, or a
 * generated one for unknown codes), the value scaled into the register's unit.
 */
import type { Reading } from '../../core/hub.ts';
import type { CosemReading } from '../../protocols/dlms/readings.ts';
import { registerForObis, registerForUnknownObis, unitFactor, type DlmsRegister } from './registers.ts';

export interface MappedReadings {
  readings: Reading[];
  /** Registers the device table does not hold yet. */
  added: DlmsRegister[];
}

/** Twelve significant digits: enough for any meter, and no 9108 × 0.001 = 9.108000000000001. */
const tidy = (v: number) => Number(v.toPrecision(12));

export function mapReadings(cosem: readonly CosemReading[], known: ReadonlySet<string>): MappedReadings {
  const readings: Reading[] = [];
  const added: DlmsRegister[] = [];
  const seen = new Set(known);
  for (const r of cosem) {
    const m = mapOne(r);
    if (!m) continue;
    if (!seen.has(m.register.key)) {
      seen.add(m.register.key);
      added.push(m.register);
    }
    readings.push({ key: m.register.key, value: m.value, raw: r.raw });
  }
  return { readings, added };
}

function mapOne(r: CosemReading): { register: DlmsRegister; value: number | string | null } | undefined {
  const table = registerForObis(r.obis);
  if (table) {
    if (table.type === 'text') return { register: table, value: r.value === null ? null : String(r.value) };
    if (typeof r.value !== 'number') return r.value === null ? { register: table, value: null } : undefined;
    const factor = unitFactor(r.unit, table.unit);
    if (factor !== undefined) {
      const scaled = r.scaler === undefined && table.scale !== undefined ? r.value * table.scale : r.value;
      return { register: table, value: tidy(scaled * factor) };
    }
  }
  // Unknown code, or a unit the table's entry cannot take (kept apart rather than mislabelled).
  const generated = registerForUnknownObis(r.obis, r.unit, r.value);
  if (table) generated.key = `${generated.key}_${(r.unit ?? 'count').replace(/[^A-Za-z0-9]/g, '')}`;
  return { register: generated, value: typeof r.value === 'number' ? tidy(r.value) : r.value };
}
