import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DXS_POLL_IDS } from '../../../server/drivers/kostal/registers.ts';
import { DXS, dxsPaths, dxsSnapshot, parseDxsResponse } from '../../../server/protocols/kostal/dxs.ts';
import { detectGeneration } from '../../../server/protocols/kostal/generation.ts';
import { kostalDxs, kostalPage } from '../../support/deviceDocuments.ts';

const fixture = (name: string): string => readFileSync(new URL(`../../fixtures/kostal/${name}`, import.meta.url), 'utf8');

describe('DXS API', () => {
  it('reads the observed three-string response by id', () => {
    const r = parseDxsResponse(kostalDxs('dxs-response-observed-3string-feeding.json'));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const s = dxsSnapshot(r.value);
    expect(s.state).toBe('feeding_mpp');
    expect(s.acPowerW).toBe(6851.7);
    expect(s.dcPowerW).toBe(7084.7);
    expect(s.totalEnergyKwh).toBe(29.068);
    // Today's yield comes in Wh.
    expect(s.dailyEnergyKwh).toBe(21.483);
    expect(s.strings.map((x) => x.voltageV)).toEqual([737.7, 745.8, 510.8]);
    expect(s.phases[0]).toEqual({ index: 1, voltageV: 231.1, currentA: 9.97, powerW: 2279.6 });
    expect(s.frequencyHz).toBe(49.997);
    expect(s.operatingTimeH).toBe(10);
  });

  it('reads a single-entry response', () => {
    const r = parseDxsResponse(fixture('dxs-response-single-entry.json'));
    expect(r.ok && r.value.get(DXS.yieldToday)).toBe(33101.292969);
  });

  it('reports a non-zero status code, non-JSON and a missing entry list', () => {
    expect(parseDxsResponse('{"dxsEntries":[],"status":{"code":-1}}')).toEqual({
      ok: false,
      error: 'the inverter answered status code -1',
    });
    expect(parseDxsResponse('<html>')).toEqual({ ok: false, error: 'the DXS answer is not JSON' });
    expect(parseDxsResponse('{"foo":1}')).toEqual({ ok: false, error: 'the DXS answer has no dxsEntries list' });
  });

  it('splits the poll into requests of at most 25 ids that cover every id', () => {
    const paths = dxsPaths(DXS_POLL_IDS);
    expect(paths.length).toBeGreaterThan(1);
    const ids = paths.flatMap((p) => new URLSearchParams(p.split('?')[1]).getAll('dxsEntries').map(Number));
    expect(ids).toEqual(DXS_POLL_IDS);
    for (const p of paths) expect(new URLSearchParams(p.split('?')[1]).getAll('dxsEntries').length).toBeLessThanOrEqual(25);
  });

  it('detects the generation from the probes', () => {
    const page = kostalPage('piko-8.3-index-en-feeding.html').toString('latin1');
    expect(detectGeneration({ status: 200, body: fixture('dxs-response-single-entry.json') }, null)).toBe('dxs');
    expect(detectGeneration({ status: 404, body: 'not found' }, { status: 200, body: page })).toBe('classic');
    expect(detectGeneration({ status: 404, body: '' }, { status: 200, body: '<html>router</html>' })).toBeNull();
  });
});
