import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classicSnapshot, parseClassicPage, type ClassicPage } from '../../../server/protocols/kostal/classicPage.ts';
import { kostalPage } from '../../support/deviceDocuments.ts';

const expected = JSON.parse(readFileSync(new URL('../../fixtures/kostal/expected-values.json', import.meta.url), 'utf8')) as Record<
  string,
  Record<string, unknown>
>;

function parsed(input: string | Uint8Array): ClassicPage {
  const r = parseClassicPage(input);
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

/** The oracle's flat keys, read from a parsed page (undefined when the page lacks it). */
function flat(page: ClassicPage): Record<string, unknown> {
  const out: Record<string, unknown> = {
    model: page.model,
    name_and_rs485_address: `${page.name} (${page.rs485Address})`,
    status_text: page.statusText,
    white_cell_count: page.valueCells.length,
    raw_white_cells: page.valueCells,
    ac_power_w: page.acPowerW,
    total_energy_kwh: page.totalEnergyKwh,
    daily_energy_kwh: page.dailyEnergyKwh,
  };
  for (const s of page.strings) {
    out[`string${s.index}_voltage_v`] = s.voltageV;
    out[`string${s.index}_current_a`] = s.currentA;
  }
  for (const p of page.phases) {
    out[`l${p.index}_voltage_v`] = p.voltageV;
    out[`l${p.index}_power_w`] = p.powerW;
  }
  return out;
}

describe('classic index.fhtml page', () => {
  for (const [file, values] of Object.entries(expected)) {
    it(`parses ${file} to the expected values`, () => {
      const page = parsed(kostalPage(file));
      expect(flat(page)).toEqual(values);
      expect(page.problems).toEqual([]);
    });
  }

  it('marks the night page as placeholders and keeps its energy counters', () => {
    const page = parsed(kostalPage('piko-8.3-index-de-off-night.html'));
    expect(page.placeholders).toBe(true);
    const snap = classicSnapshot(page);
    expect(snap.state).toBe('off');
    expect(snap.totalEnergyKwh).toBe(69425);
    expect(snap.acPowerW).toBeNull();
  });

  it('maps status texts of every language and computes string power as U × I', () => {
    expect(classicSnapshot(parsed(kostalPage('piko-5.5-index-nl-3strings.html'))).state).toBe('feeding_mpp');
    expect(classicSnapshot(parsed(kostalPage('piko-8.3-index-de-idle.html'))).state).toBe('idle');
    const snap = classicSnapshot(parsed(kostalPage('piko-8.3-index-en-feeding.html')));
    expect(snap.strings[0]!.powerW).toBeCloseTo(467 * 3.56, 1);
  });

  it('finds values by structure even when every label is in an unknown language', () => {
    const html = kostalPage('piko-5.5-index-de-3strings.html')
      .toString('latin1')
      .replace(/(<td width="100">\s*)(aktuell|Gesamtenergie|Tagesenergie|Spannung|Strom|Leistung)(<\/td>)/g, '$1???$3');
    const page = parsed(html);
    expect(page.acPowerW).toBe(112);
    expect(page.totalEnergyKwh).toBe(9290);
    expect(page.dailyEnergyKwh).toBe(19.83);
    expect(page.phases.find((p) => p.index === 2)?.powerW).toBe(112);
  });

  it('decodes ISO-8859-1 bytes (umlauts in the inverter name)', () => {
    const html = kostalPage('piko-8.3-index-en-feeding.html').toString('latin1').replace('piko (255)', 'Dach Süd (3)');
    const page = parsed(Buffer.from(html, 'latin1'));
    expect(page.name).toBe('Dach Süd');
    expect(page.rs485Address).toBe(3);
  });

  it('reports a truncated page', () => {
    const bytes = kostalPage('piko-8.3-index-en-feeding.html');
    const r = parseClassicPage(bytes.subarray(0, bytes.length / 2));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/truncated/);
  });

  it('rejects a page that is not a PIKO status page', () => {
    const r = parseClassicPage('<html><head><title>Router</title></head><body><table><tr><td>hi</td></tr></table></body></html>');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/not a PIKO status page/);
  });

  it('names a value cell that is not a number and keeps the others', () => {
    const html = kostalPage('piko-8.3-index-en-feeding.html').toString('latin1').replace('\r\n  467</td>', '\r\n  4#7</td>');
    const page = parsed(html);
    expect(page.strings[0]!.voltageV).toBeNull();
    expect(page.problems).toEqual(['string 1 voltage: "4#7" is not a number']);
    expect(page.acPowerW).toBe(3150);
  });
});
