import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSep, parseSepAs } from '../../../server/protocols/ieee2030_5/xml.ts';
import { ITRON_CRAWL, ITRON_DOCUMENTS, ITRON_SYNTHETIC, itronDocument } from '../../support/deviceDocuments.ts';

/** An independent look at the raw text: the first `<tag>…</tag>` inside it. */
function element(xml: string, tag: string): string | null {
  return new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml)?.[1] ?? null;
}

describe('every document of the real meter crawl', () => {
  it('covers every XML file the simulator serves, apart from the synthetic ones', () => {
    const files = readdirSync(ITRON_DOCUMENTS).filter((f) => f.endsWith('.xml'));
    expect([...ITRON_CRAWL.map((e) => e.file), ...ITRON_SYNTHETIC].sort()).toEqual(files.sort());
  });

  for (const entry of ITRON_CRAWL) {
    it(`${entry.path} parses as ${entry.root} with the values in the text`, () => {
      const xml = itronDocument(entry.file);
      const r = parseSep(xml);
      if (!r.ok) throw new Error(r.error);
      const doc = r.value;
      expect(doc.type).toBe(entry.root);
      expect(doc.href).toBe(entry.path);
      if (doc.type === 'Reading') {
        const v = element(xml, 'value');
        expect(doc.value).toBe(v === null ? null : Number(v));
        const start = element(xml, 'start');
        expect(doc.start).toBe(start === null ? null : Number(start));
        const flags = element(xml, 'qualityFlags');
        expect(doc.qualityFlags).toBe(flags === null ? null : parseInt(flags, 16));
      } else if (doc.type === 'ReadingType') {
        for (const f of ['accumulationBehaviour', 'flowDirection', 'kind', 'uom', 'powerOfTenMultiplier', 'dataQualifier'] as const) {
          expect(doc[f]).toBe(Number(element(xml, f) ?? 0));
        }
        expect(doc.phase).toBe(Number(element(xml, 'phase') ?? 0));
      } else if ('items' in doc) {
        expect(doc.items.length).toBe(Number(/results="(\d+)"/.exec(xml)?.[1]));
        expect(doc.all).toBe(Number(/all="(\d+)"/.exec(xml)?.[1]));
      } else if (doc.type === 'MeterReading') {
        expect(doc.description).toBe(element(xml, 'description'));
        expect(doc.readingTypeLink).toBe(/ReadingTypeLink href="([^"]+)"/.exec(xml)?.[1]);
      }
    });
  }
});

describe('values named in the protocol reference (§6.1)', () => {
  const value = (file: string) => parseSepAs(itronDocument(file), 'Reading');
  it('reads demand, summations, power factor and the missing/empty readings', () => {
    expect(value('upt_1_mr_1_r.xml')).toMatchObject({ ok: true, value: { value: 982, qualityFlags: 1, duration: 1 } });
    expect(value('upt_1_mr_2_r.xml')).toMatchObject({ ok: true, value: { value: 962157 } });
    expect(value('upt_1_mr_3_r.xml')).toMatchObject({ ok: true, value: { value: 5839187 } });
    expect(value('upt_1_mr_19_r.xml')).toMatchObject({ ok: true, value: { value: 858 } });
    expect(value('upt_1_mr_17_r.xml')).toMatchObject({ ok: true, value: { value: null, qualityFlags: 1 } });
    expect(value('upt_1_mr_20_r.xml')).toMatchObject({ ok: true, value: { value: null, qualityFlags: null, start: null } });
  });

  it('reads TOU tiers from the ReadingList items', () => {
    const r = parseSepAs(itronDocument('upt_1_mr_8_rs_1_r.xml'), 'ReadingList');
    expect(r).toMatchObject({ ok: true, value: { all: 9, results: 1, items: [{ touTier: 0, value: 962157 }] } });
    expect(value('upt_1_mr_8_rs_1_r_2.xml')).toMatchObject({ ok: true, value: { touTier: 1, value: null } });
  });

  it('reads the power-factor ReadingType with its multiplier and phase', () => {
    expect(parseSepAs(itronDocument('rt_19.xml'), 'ReadingType')).toMatchObject({
      ok: true,
      value: { uom: 65, powerOfTenMultiplier: -3, phase: 224 },
    });
  });

  it('reads the synthetic DeviceInformation and the 22-item MeterReading page', () => {
    expect(parseSepAs(itronDocument('sdev-sdi.xml'), 'DeviceInformation')).toMatchObject({
      ok: true,
      value: { lfdi: 'FA1571F88C93983E7C89DA3A5455DE788D16BE63', swVer: '3.2.50', mfID: '1233' },
    });
    const page = parseSepAs(itronDocument('upt-1-mr-page-s0-l22.xml'), 'MeterReadingList');
    expect(page.ok && page.value.items.map((m) => m.description)).toContain('TOU WH Delivered');
    expect(page.ok && page.value.items.length).toBe(22);
  });

  it('reads the verbatim meter response with multi-line attributes', () => {
    const snip = new URL('../../fixtures/itron/real-snippets/xcel-pr25-reading-upt-1-mr-2-rs-1-r-1.xml', import.meta.url);
    expect(parseSep(readFileSync(snip, 'utf8'))).toMatchObject({
      ok: true,
      value: { type: 'Reading', href: '/upt/1/mr/2/rs/1/r/1', value: 0, localID: '01', start: 1712593859 },
    });
  });
});

describe('bad bodies get an error naming the problem', () => {
  it('empty body, broken XML, wrong root, prefixed namespace', () => {
    expect(parseSep('')).toEqual({ ok: false, error: 'empty body' });
    expect(parseSep('<Reading><value>1</Reading>')).toMatchObject({ ok: false, error: expect.stringContaining('not well-formed') });
    expect(parseSep('<Foo/>')).toEqual({ ok: false, error: 'unexpected root element <Foo>' });
    expect(parseSepAs('<Reading/>', 'ReadingType')).toEqual({ ok: false, error: 'expected <ReadingType>, got <Reading>' });
    expect(parseSep('<ns:Reading xmlns:ns="urn:ieee:std:2030.5:ns"><ns:value>1234</ns:value></ns:Reading>')).toMatchObject({
      ok: true,
      value: { value: 1234 },
    });
    expect(parseSep('<ReadingType><uom>72</uom><powerOfTenMultiplier>12</powerOfTenMultiplier></ReadingType>')).toMatchObject({
      ok: false,
      error: expect.stringContaining('outside -9..9'),
    });
  });
});
