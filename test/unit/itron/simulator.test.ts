import { describe, expect, it } from 'vitest';
import { MeterDocuments } from '../../../server/sim/itron/documents.ts';
import { advance, initialState } from '../../../server/sim/itron/meterModel.ts';
import { parseSep } from '../../../server/protocols/ieee2030_5/xml.ts';

const LFDI = '0123456789ABCDEF0123456789ABCDEF01234567';
const t0 = Date.parse('2026-02-04T12:00:00Z');

function get(docs: MeterDocuments, state: ReturnType<typeof initialState>, path: string) {
  const served = docs.serve(path, state);
  if (served.status !== 200) return served.status;
  const r = parseSep(served.body);
  if (!r.ok) throw new Error(`${path}: ${r.error}`);
  return r.value;
}

describe('Itron simulator documents', () => {
  const docs = new MeterDocuments(LFDI);

  it('serves lists like the meter: one item without l, a page with it', () => {
    const s = initialState(t0);
    expect(get(docs, s, '/upt/1/mr')).toMatchObject({ type: 'MeterReadingList', all: 22, items: [{ href: '/upt/1/mr/22' }] });
    const page = get(docs, s, '/upt/1/mr?s=0&l=22');
    expect(page).toMatchObject({ type: 'MeterReadingList', results: 22 });
    const tou = get(docs, s, '/upt/1/mr/9/rs/1/r?s=0&l=9');
    expect(tou).toMatchObject({ type: 'ReadingList', all: 9, results: 9 });
    expect(get(docs, s, '/nope')).toBe(404);
    expect(get(docs, s, '/sdev/sdi')).toMatchObject({ type: 'DeviceInformation', lfdi: LFDI, swVer: '3.2.50' });
  });

  it('advances the summations over time and stamps readings with the time', () => {
    const s = initialState(t0);
    const before = get(docs, s, '/upt/1/mr/3/r');
    advance(s, t0 + 3_600_000, () => 0.5);
    const after = get(docs, s, '/upt/1/mr/3/r');
    const rec = get(docs, s, '/upt/1/mr/2/r');
    expect(typeof before === 'object' && before.type === 'Reading' && before.value).toBe(5_839_187);
    expect(typeof after === 'object' && after.type === 'Reading' && (after.value ?? 0) + (rec as { value: number }).value).toBeGreaterThan(
      5_839_187 + 962_157,
    );
    expect(after).toMatchObject({ start: (t0 + 3_600_000) / 1000 });
    expect(get(docs, s, '/upt/1/mr/17/r')).toMatchObject({ value: null });
  });

  it('exports at midday and imports at night', () => {
    const noon = initialState(t0);
    advance(noon, t0 + 60_000, () => 0);
    expect(noon.netPowerW).toBeLessThan(0);
    const night = initialState(Date.parse('2026-02-04T23:00:00Z'));
    advance(night, Date.parse('2026-02-04T23:01:00Z'), () => 0);
    expect(night.netPowerW).toBeGreaterThan(0);
  });
});
