/** Kostal PIKO parser throughput: classic pages and DXS answers parsed per second. */
import { load } from 'cheerio';
import { classicSnapshot, parseClassicPage } from '../server/protocols/kostal/classicPage.ts';
import { dxsSnapshot, parseDxsResponse } from '../server/protocols/kostal/dxs.ts';
import { DOC_BYTES, docRate, figure, repeatTo, rnd } from './hostileInput.ts';
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

/** The classic page and the DXS answer on hostile documents (`npm run bench -- hostile`). */
export function hostileFigures(): Record<string, unknown>[] {
  const page = kostalPage('piko-8.3-index-en-feeding.html').toString('latin1');
  const head = page.slice(0, page.indexOf('</body>'));
  const html = (body: string): string => `${head}${body}</body></html>`;
  const body = DOC_BYTES - page.length;
  const dxs = (entries: string): string => `{"dxsEntries":[${entries}{"dxsId":1,"value":1}],"session":{"sessionId":0},"status":{"code":0}}`;
  return [
    figure({
      parser: 'kostal_classic_page',
      random: {
        what: 'a real page with random value rows',
        input: html(
          repeatTo(
            () => `<tr><td>Label ${rnd(99)}</td><td bgcolor="#FFFFFF">${rnd(99999)}</td><td>${['W', 'V', 'kWh'][rnd(3)]}</td></tr>\n`,
            body,
          ),
        ),
      },
      rate: (input) => docRate(parseClassicPage, input),
      patterns: {
        fontsInTable: html(`<table><tr>${repeatTo((i) => `<font id=${i}>x</tr><tr>`, body)}</table>`),
        unclosedFormatting: html(repeatTo(() => '<b><i><font>x', body)),
        nestedTables: html(repeatTo(() => '<table><tr><td>', body)),
        deepUnderlineRuns: html(repeatTo(() => `<tr>${'<u>'.repeat(44)}String 1${'</u>'.repeat(44)}</tr>`, body)),
        misnestedClose: html(`${'<div>'.repeat(44)}${repeatTo(() => '</span>', body)}`),
        attributeRun: html(`<td bgcolor=#ffffff ${repeatTo((i) => `a${i}=1 `, body)}>1</td>`),
        valueCellRun: html(repeatTo(() => '<tr><td>L</td><td bgcolor="#FFFFFF">1</td><td>kWh</td></tr>', body)),
        entityRun: html(repeatTo(() => '&nbsp&amp;&#x41;', body)),
      },
    }),
    figure({
      parser: 'kostal_dxs_json',
      random: {
        what: 'a DXS answer with random ids and values',
        input: dxs(repeatTo(() => `{"dxsId":${rnd(1e9)},"value":${rnd(1e6) / 7}},`, DOC_BYTES)),
      },
      rate: (input) => docRate(parseDxsResponse, input),
      patterns: {
        bracketString: dxs(`{"dxsId":2,"value":"${'['.repeat(DOC_BYTES)}"},`),
        escapeRun: dxs(`{"dxsId":2,"value":"${'\\\\'.repeat(DOC_BYTES / 2)}"},`),
        tinyEntries: dxs(repeatTo(() => '{},', DOC_BYTES)),
        shallowLists: dxs(repeatTo(() => '[[[]]],', DOC_BYTES)),
        deep: dxs(`${'['.repeat(DOC_BYTES / 2)}${']'.repeat(DOC_BYTES / 2)},`),
      },
    }),
  ];
}
