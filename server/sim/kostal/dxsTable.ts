/**
 * `/api/dxs.json` answers, from the reference id table (`data/dxs-ids.csv`) and the
 * values observed on a real three-string inverter feeding ~7 kW, scaled by the sun.
 */
import { readFileSync } from 'node:fs';
import { serverFile } from '../../serverFiles.ts';
import type { SunPhase } from '../daylight.ts';

interface IdRow {
  id: number;
  group: string;
  key: string;
  unit: string;
}

const DATA = serverFile('sim/kostal/data/');

/** Fields of one CSV line; quoted fields may hold commas and doubled quotes. */
function csvFields(line: string): string[] {
  const fields: string[] = [];
  const re = /"((?:[^"]|"")*)"|([^,]*)/y;
  let pos = 0;
  while (pos <= line.length) {
    re.lastIndex = pos;
    const m = re.exec(line);
    if (!m) break;
    const [, quoted, plain = ''] = m;
    fields.push(quoted !== undefined ? quoted.replace(/""/g, '"') : plain);
    pos = re.lastIndex + 1;
  }
  return fields;
}

function loadIds(): IdRow[] {
  const lines = readFileSync(new URL('dxs-ids.csv', DATA), 'utf8').trim().split(/\r?\n/).slice(1);
  return lines.map((line) => {
    const [id, , group = '', key = '', , unit = ''] = csvFields(line);
    return { id: Number(id), group, key, unit };
  });
}

function loadObserved(): Map<number, number> {
  const json = JSON.parse(readFileSync(new URL('dxs-response-observed-3string-feeding.json', DATA), 'utf8')) as {
    dxsEntries: { dxsId: number; value: number }[];
  };
  return new Map(json.dxsEntries.map((e) => [e.dxsId, e.value]));
}

export interface DxsIdentity {
  serial: string;
  model: string;
  name: string;
  uiVersion: string;
}

export interface DxsState {
  phase: SunPhase;
  /** 0..1 of the observed ~6.85 kW. */
  sun: number;
  totalKwh: number;
  dailyKwh: number;
}

const STATUS_OF: Record<SunPhase, number> = { feeding: 3, idle: 1, off: 0, unpowered: 0 };

export class DxsTable {
  private readonly rows = new Map(loadIds().map((r) => [r.id, r]));
  private readonly observed = loadObserved();

  constructor(private readonly identity: DxsIdentity) {}

  /** Peak AC power of the observed inverter, for scaling the daily energy. */
  get peakW(): number {
    return this.observed.get(67109120) ?? 6850;
  }

  value(id: number, s: DxsState): number | string | undefined {
    const row = this.rows.get(id);
    if (!row) return undefined;
    switch (
      row.key === 'SerialNumber'
        ? 'serial'
        : row.key === 'Model'
          ? 'model'
          : row.key === 'Name'
            ? 'name'
            : row.key === 'UiVersion'
              ? 'ui'
              : row.unit
    ) {
      case 'serial':
        return this.identity.serial;
      case 'model':
        return this.identity.model;
      case 'name':
        return this.identity.name;
      case 'ui':
        return this.identity.uiVersion;
      case 'text':
        return '';
      case 'enum':
        return row.key === 'OperationStatus' ? STATUS_OF[s.phase] : 0;
    }
    if (row.group === 'stats_day' && row.key === 'Yield') return Number((s.dailyKwh * 1000).toFixed(6));
    if (row.group === 'stats_total' && row.key === 'Yield') return Number(s.totalKwh.toFixed(6));
    const observed = this.observed.get(id) ?? 0;
    const feeding = s.phase === 'feeding';
    if (row.unit === 'W' || row.unit === 'A') return feeding ? Number((observed * s.sun).toFixed(6)) : 0;
    if (row.unit === 'V' && row.group === 'pv') return feeding ? observed : s.phase === 'idle' ? 180 : 0;
    return observed;
  }

  answer(ids: number[], s: DxsState): string {
    const dxsEntries = ids.flatMap((id) => {
      const value = this.value(id, s);
      return value === undefined ? [] : [{ dxsId: id, value }];
    });
    return JSON.stringify({ dxsEntries, session: { sessionId: 0, roleId: 0 }, status: { code: 0 } });
  }
}
