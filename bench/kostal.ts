/** Kostal PIKO parser throughput: classic pages and DXS answers parsed per second. */
import { load } from 'cheerio';
import { classicSnapshot, parseClassicPage } from '../server/protocols/kostal/classicPage.ts';
import { dxsSnapshot, parseDxsResponse } from '../server/protocols/kostal/dxs.ts';
import { kostalDxs, kostalPage } from '../test/support/deviceDocuments.ts';

function rate(run: () => void, ms = 1500): number {
  for (let i = 0; i < 50; i++) run();
  let n = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    for (let i = 0; i < 20; i++) run();
    n += 20;
    elapsed = performance.now() - start;
  }
  return Math.round((n / elapsed) * 1000);
}

export async function bench(): Promise<Record<string, unknown>[]> {
  const pages = ['piko-8.3-index-en-feeding.html', 'piko-5.5-index-de-3strings.html', 'piko-8.3-index-de-off-night.html'].map(kostalPage);
  let i = 0;
  const pagesPerS = rate(() => {
    const r = parseClassicPage(pages[i++ % pages.length]!);
    if (!r.ok) throw new Error(r.error);
    classicSnapshot(r.value);
  });
  // Baseline: cheerio building the document alone, which bounds any cheerio-based parser.
  const texts = pages.map((p) => p.toString('latin1'));
  const loadPerS = rate(() => void load(texts[i++ % texts.length]!));
  const dxs = kostalDxs('dxs-response-observed-3string-feeding.json');
  const dxsPerS = rate(() => {
    const r = parseDxsResponse(dxs);
    if (!r.ok) throw new Error(r.error);
    dxsSnapshot(r.value);
  });
  return [
    { figure: 'kostal_classic_pages_parsed_per_s', value: pagesPerS, unit: 'per_s' },
    {
      figure: 'kostal_classic_parse_vs_cheerio_load',
      value: Number((pagesPerS / loadPerS).toFixed(2)),
      unit: 'ratio',
      baseline_per_s: loadPerS,
    },
    { figure: 'kostal_dxs_answers_parsed_per_s', value: dxsPerS, unit: 'per_s' },
  ];
}
