/**
 * Our Xtender table against the one of the bridge the seed describes (TeepCo/xtender_mqtt):
 * where both know an object, units, device classes, enum sizes and entity kinds agree.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { platformOf } from '../../../server/core/registers.ts';
import { XTENDER_REGISTERS } from '../../../server/drivers/xtender/registers.ts';

interface Row {
  key: string;
  kind: string;
  id: number;
  format: string;
  component: string;
  deviceClass: string;
  unit: string;
  enumMap: Record<string, string> | undefined;
}

/** Minimal CSV reading: quoted fields with doubled quotes, as the fixture uses. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  for (const line of text.split('\n').filter((l) => l.trim() !== '')) {
    const cells: string[] = [];
    let cell = '';
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
      const ch = line[i];
      if (quoted) {
        if (ch === '"' && line[i + 1] === '"') {
          cell += '"';
          i++;
        } else if (ch === '"') quoted = false;
        else cell += ch;
      } else if (ch === '"') quoted = true;
      else if (ch === ',') {
        cells.push(cell);
        cell = '';
      } else cell += ch;
    }
    cells.push(cell);
    rows.push(cells);
  }
  return rows;
}

const [header, ...body] = parseCsv(readFileSync(new URL('../../fixtures/xtender/xtender_mqtt-object-table.csv', import.meta.url), 'utf8'));
const col = (name: string) => header!.indexOf(name);
const rows: Row[] = body.map((c) => ({
  key: c[col('key')]!,
  kind: c[col('kind')]!,
  id: Number(c[col('scom_object_id')]!),
  format: c[col('property_format')]!,
  component: c[col('ha_component')]!,
  deviceClass: c[col('device_class')]!,
  unit: c[col('unit')]!,
  enumMap: c[col('enum_map')]! ? (JSON.parse(c[col('enum_map')]!) as Record<string, string>) : undefined,
}));

const ours = (kind: string, id: number) =>
  XTENDER_REGISTERS.find((r) => r.objectId === id && r.objectType === (kind === 'sensor' ? 'info' : 'parameter'));
const shared = rows.filter((r) => ours(r.kind, r.id));

describe('xtender table vs the xtender_mqtt object table', () => {
  it('shares a good part of the objects', () => {
    expect(new Set(shared.map((r) => r.id)).size).toBeGreaterThanOrEqual(15);
  });

  it('agrees on units and device classes of measurements', () => {
    for (const row of shared.filter((r) => r.kind === 'sensor' && r.deviceClass && r.unit)) {
      const reg = ours(row.kind, row.id)!;
      expect([row.id, reg.deviceClass, reg.unit]).toEqual([row.id, row.deviceClass, row.unit]);
    }
  });

  it('has an enum label for every value the reference maps', () => {
    for (const row of shared.filter((r) => r.enumMap)) {
      const reg = ours(row.kind, row.id)!;
      expect(reg.type, `${row.id}`).toBe('enum');
      expect(reg.options!.length, `${row.id}`).toBeGreaterThanOrEqual(Object.keys(row.enumMap!).length);
    }
  });

  it('makes the same kind of entity of each parameter', () => {
    for (const row of shared.filter((r) => r.kind === 'parameter' && (r.component === 'switch' || r.component === 'number'))) {
      expect([row.id, platformOf(ours(row.kind, row.id)!)]).toEqual([row.id, row.component]);
    }
  });
});
