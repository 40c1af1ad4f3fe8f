/**
 * The DXS JSON API (`GET /api/dxs.json?dxsEntries=<id>&…`) of PIKO inverters with
 * communication board UI ≥ 6 and PIKO BA: ids, request paths, response parsing.
 */
import { parseBoundedJson } from '../json/boundedJson.ts';
import { stateFromCode } from './operatingState.ts';
import type { InverterSnapshot, ParseResult, PhaseValues, StringValues } from './snapshot.ts';

/** DXS ids used here (protocols/kostal-piko.md §3.2). */
export const DXS = {
  operatingStatus: 16780032,
  serialNumber: 16777728,
  name: 16777984,
  model: 16780544,
  uiVersion: 16779267,
  dcPowerTotal: 33556736,
  acPower: 67109120,
  frequency: 67110400,
  cosPhi: 67110656,
  limitation: 67110144,
  yieldToday: 251658754,
  yieldTotal: 251658753,
  operatingTime: 251658496,
} as const;

/** DC input n (1..3): current, voltage, power. */
export function dcInputIds(n: number): { current: number; voltage: number; power: number } {
  const base = 33555201 + (n - 1) * 256;
  return { current: base, voltage: base + 1, power: base + 2 };
}

/** Phase n (1..3): current, voltage, power. */
export function phaseIds(n: number): { current: number; voltage: number; power: number } {
  const base = 67109377 + (n - 1) * 256;
  return { current: base, voltage: base + 1, power: base + 2 };
}

export const DXS_IDENTITY_IDS = [DXS.serialNumber, DXS.name, DXS.model, DXS.uiVersion];

/** No limit is documented; libraries keep requests to a few dozen ids at most. */
export const DXS_BATCH = 25;

/** Request paths for these ids, at most DXS_BATCH ids each. */
export function dxsPaths(ids: readonly number[], batch = DXS_BATCH): string[] {
  const paths: string[] = [];
  for (let i = 0; i < ids.length; i += batch) {
    paths.push(
      `/api/dxs.json?${ids
        .slice(i, i + batch)
        .map((id) => `dxsEntries=${id}`)
        .join('&')}`,
    );
  }
  return paths;
}

export type DxsValues = Map<number, number | string>;

/** Answers for DXS_BATCH ids are about 2 kB and nest 3 deep. */
export const DXS_LIMITS = { maxLength: 256 * 1024, maxDepth: 16 };

/** Parse one response; entries are found by id, never by order. */
export function parseDxsResponse(text: string): ParseResult<DxsValues> {
  const parsed = parseBoundedJson(text, DXS_LIMITS, 'the DXS answer');
  if (!parsed.ok) return parsed;
  const json = parsed.value;
  if (typeof json !== 'object' || json === null || !Array.isArray((json as { dxsEntries?: unknown }).dxsEntries)) {
    return { ok: false, error: 'the DXS answer has no dxsEntries list' };
  }
  const status = (json as { status?: { code?: unknown } }).status?.code;
  if (typeof status === 'number' && status !== 0) return { ok: false, error: `the inverter answered status code ${status}` };
  const values: DxsValues = new Map();
  for (const entry of (json as { dxsEntries: unknown[] }).dxsEntries) {
    if (typeof entry !== 'object' || entry === null) continue;
    const { dxsId, value } = entry as { dxsId?: unknown; value?: unknown };
    if (typeof dxsId !== 'number') continue;
    if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'string') values.set(dxsId, value);
  }
  return { ok: true, value: values };
}

function num(values: DxsValues, id: number): number | null {
  const v = values.get(id);
  return typeof v === 'number' ? v : null;
}

export function text(values: DxsValues, id: number): string | null {
  const v = values.get(id);
  return v === undefined ? null : String(v).trim() || null;
}

const round = (v: number | null, places: number): number | null => (v === null ? null : Number(v.toFixed(places)));

export function dxsSnapshot(values: DxsValues): InverterSnapshot {
  const code = num(values, DXS.operatingStatus);
  const state = code === null ? null : stateFromCode(code);
  const strings: StringValues[] = [];
  const phases: PhaseValues[] = [];
  for (const n of [1, 2, 3]) {
    const dc = dcInputIds(n);
    if (values.has(dc.voltage) || values.has(dc.current)) {
      strings.push({
        index: n,
        voltageV: round(num(values, dc.voltage), 1),
        currentA: round(num(values, dc.current), 2),
        powerW: round(num(values, dc.power), 1),
      });
    }
    const ac = phaseIds(n);
    if (values.has(ac.voltage) || values.has(ac.power)) {
      phases.push({
        index: n,
        voltageV: round(num(values, ac.voltage), 1),
        currentA: round(num(values, ac.current), 2),
        powerW: round(num(values, ac.power), 1),
      });
    }
  }
  const today = num(values, DXS.yieldToday);
  return {
    generation: 'dxs',
    statusText: state,
    state,
    acPowerW: round(num(values, DXS.acPower), 1),
    // The total comes in kWh, today's yield in Wh.
    totalEnergyKwh: round(num(values, DXS.yieldTotal), 3),
    dailyEnergyKwh: today === null ? null : round(today / 1000, 3),
    strings,
    phases,
    dcPowerW: round(num(values, DXS.dcPowerTotal), 1),
    frequencyHz: round(num(values, DXS.frequency), 3),
    powerFactor: round(num(values, DXS.cosPhi), 3),
    limitationPct: num(values, DXS.limitation),
    operatingTimeH: num(values, DXS.operatingTime),
    placeholders: false,
  };
}
