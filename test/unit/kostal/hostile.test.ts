/** Kostal parsers on hostile input: work linear in the input, clear errors, no crash. */
import { Element } from 'domhandler';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_PAGE_BYTES, parseClassicPage } from '../../../server/protocols/kostal/classicPage.ts';
import { parseDxsResponse } from '../../../server/protocols/kostal/dxs.ts';
import { kostalPage } from '../../support/deviceDocuments.ts';

const page = kostalPage('piko-8.3-index-en-feeding.html').toString('latin1');

/**
 * Counts every DOM element constructed, whichever HTML parser cheerio or the page parser uses:
 * both build domhandler Elements, whose constructor assigns `attribs` once.
 */
let elementsCreated = 0;
const attribs = Object.getOwnPropertyDescriptor(Element.prototype, 'attribs');
beforeAll(() => {
  Object.defineProperty(Element.prototype, 'attribs', {
    configurable: true,
    set(value: Record<string, string>) {
      elementsCreated++;
      Object.defineProperty(this, 'attribs', { value, writable: true, enumerable: true, configurable: true });
    },
  });
});
afterAll(() => {
  if (attribs) Object.defineProperty(Element.prototype, 'attribs', attribs);
  else delete (Element.prototype as { attribs?: unknown }).attribs;
});

function elementsFor(html: string): number {
  elementsCreated = 0;
  parseClassicPage(html);
  return elementsCreated;
}

const wrap = (body: string): string => `<html><body>${body}</body></html>`;

/** Byte patterns a broken inverter or a wrong host could send, `n` repetitions each. */
const patterns: Record<string, (n: number) => string> = {
  // Every text run in a table makes an HTML5 tree builder clone all active <font>s again.
  fontsInTable: (n) => wrap(`<table><tr>${Array.from({ length: n }, (_, i) => `<font id=${i}>x</tr><tr>`).join('')}</table>`),
  unclosedFormatting: (n) => wrap('<b><i><font>x'.repeat(n)),
  nestedTables: (n) => wrap('<table><tr><td>'.repeat(n)),
  misnestedClose: (n) => wrap(`${'<div>'.repeat(40)}${'</span>'.repeat(n)}`),
  attributeRun: (n) => wrap(`<td bgcolor=#ffffff ${'a=1 '.repeat(n)}>1</td>`),
  valueCellRun: (n) => wrap('<tr><td>L</td><td bgcolor="#FFFFFF">1</td><td>kWh</td></tr>'.repeat(n)),
  headerRun: (n) => wrap(`<tr>${'<td><u>String 1</u></td>'.repeat(n)}</tr>`),
  // Every <u> is a header whose text is read: nested ones must not each walk the same subtree.
  deepUnderlineRuns: (n) => wrap(`<tr>${'<u>'.repeat(44)}String 1${'</u>'.repeat(44)}</tr>`.repeat(n)),
};

describe('Kostal classic page on hostile input', () => {
  it('creates elements linear in the number of unclosed <font>s in a table (parse5 created n²/2)', () => {
    const n = 1000;
    const created = elementsFor(patterns.fontsInTable!(n));
    expect(created).toBeGreaterThanOrEqual(n);
    expect(created).toBeLessThanOrEqual(4 * n);
  });

  it('does work linear in the input for every adversarial pattern', () => {
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(patterns)), fc.integer({ min: 10, max: 1500 }), (name, n) => {
        const html = patterns[name]!(n);
        const work = { nodes: 0, textSteps: 0 };
        elementsCreated = 0;
        const r = parseClassicPage(html, work);
        expect(r.ok || r.error.length > 0).toBe(true);
        expect(work.nodes).toBeLessThanOrEqual(html.length);
        expect(work.textSteps).toBeLessThanOrEqual(html.length);
        expect(elementsCreated).toBeLessThanOrEqual(html.length / 3);
      }),
      { numRuns: 40 },
    );
  });

  it('rejects pages nested deeper than any PIKO page with a clear error', () => {
    expect(parseClassicPage(patterns.nestedTables!(10_000))).toEqual({
      ok: false,
      error: expect.stringMatching(/nests elements more than \d+ deep: not a PIKO status page/),
    });
  });

  it('rejects a page larger than any PIKO page before parsing it', () => {
    const huge = wrap('<b><i><font>x'.repeat(MAX_PAGE_BYTES / 10));
    elementsCreated = 0;
    expect(parseClassicPage(huge)).toEqual({ ok: false, error: expect.stringMatching(/more than 262144: not a PIKO status page/) });
    expect(elementsCreated).toBe(0);
  });

  it('still reads a real page after hostile garbage in a comment or before it', () => {
    const clean = parseClassicPage(page);
    expect(clean.ok).toBe(true);
    const body = page.slice(page.indexOf('<body'));
    for (const garbage of [`<!--${patterns.fontsInTable!(200)}-->`, '<b><i><font>x</font></i></b>'.repeat(500)]) {
      const r = parseClassicPage(`<html><head></head>${garbage}${body}`);
      expect(r).toEqual(clean);
    }
  });
});

describe('Kostal DXS answer on hostile input', () => {
  const deep = (n: number): string => `{"dxsEntries":[{"dxsId":1,"value":${'['.repeat(n)}${']'.repeat(n)}}]}`;

  it('names a 50,000-deep answer instead of parsing it', () => {
    expect(parseDxsResponse(deep(50_000))).toEqual({ ok: false, error: 'the DXS answer nests lists or objects more than 16 deep' });
  });

  it('rejects an answer larger than any DXS answer', () => {
    const big = `{"dxsEntries":[${'{"dxsId":1,"value":1},'.repeat(20_000)}{"dxsId":2,"value":2}]}`;
    expect(parseDxsResponse(big)).toEqual({ ok: false, error: expect.stringMatching(/more than 262144/) });
  });

  it('still reads entries next to long strings of brackets and quotes', () => {
    fc.assert(
      fc.property(fc.constantFrom('[', '{', '"', '\\', ']'), fc.integer({ min: 0, max: 5000 }), (c, n) => {
        const junk = JSON.stringify(c.repeat(n));
        const r = parseDxsResponse(`{"dxsEntries":[{"dxsId":9,"value":${junk}},{"dxsId":1,"value":5}],"status":{"code":0}}`);
        expect(r.ok && r.value.get(1)).toBe(5);
      }),
      { numRuns: 50 },
    );
  });
});
