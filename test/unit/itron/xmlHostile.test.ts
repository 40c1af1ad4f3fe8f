/** 2030.5 XML on hostile input: bounded size and nesting, no entities, short errors, linear work. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_XML_DEPTH, MAX_XML_LENGTH, parseSep } from '../../../server/protocols/ieee2030_5/xml.ts';
import { itronDocument } from '../../support/deviceDocuments.ts';

const readingList = itronDocument('upt_1_mr_11_rs_4_r.xml');

/** Byte patterns a broken meter or a wrong host could send, `n` repetitions each. */
const patterns: Record<string, (n: number) => string> = {
  nested: (n) => `<DeviceInformation>${'<a>'.repeat(n)}${'</a>'.repeat(n)}</DeviceInformation>`,
  unclosed: (n) => `<DeviceInformation>${'<a>'.repeat(n)}`,
  attributeRun: (n) => `<DeviceInformation ${Array.from({ length: n }, (_, i) => `a${i}="1"`).join(' ')}/>`,
  repeatedAttribute: (n) => `<DeviceInformation ${'a="1" '.repeat(n)}/>`,
  siblings: (n) => `<ReadingList>${'<Reading><value>1</value></Reading>'.repeat(n)}</ReadingList>`,
  openBrackets: (n) => '<'.repeat(n),
  longName: (n) => `<${'a'.repeat(n)}>`,
};

describe('2030.5 XML on hostile input', () => {
  it('names nesting deeper than any 2030.5 body', () => {
    expect(parseSep(patterns.nested!(10_000))).toEqual({ ok: false, error: `the body nests elements more than ${MAX_XML_DEPTH} deep` });
  });

  it('refuses a DOCTYPE, so no entity can expand', () => {
    const laughs = `<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">${Array.from({ length: 9 }, (_, i) => `<!ENTITY e${i} "${`&${i ? `e${i - 1}` : 'a'};`.repeat(10)}">`).join('')}]><DeviceInformation><mfModel>&e8;</mfModel></DeviceInformation>`;
    expect(parseSep(laughs)).toEqual({ ok: false, error: 'the body has a DOCTYPE, which 2030.5 does not use' });
  });

  it('rejects a body larger than any meter answer before parsing it', () => {
    const counter = { elements: 0 };
    expect(parseSep(patterns.siblings!(MAX_XML_LENGTH / 10), counter)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/more than 524288/),
    });
    expect(counter.elements).toBe(0);
  });

  it('visits elements linear in the input and keeps every error short', () => {
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(patterns)), fc.integer({ min: 10, max: 20_000 }), (name, n) => {
        const xml = patterns[name]!(n);
        const counter = { elements: 0 };
        const r = parseSep(xml, counter);
        expect(counter.elements).toBeLessThanOrEqual(xml.length / 3);
        if (!r.ok) expect(r.error.length).toBeLessThanOrEqual(220);
      }),
      { numRuns: 40 },
    );
  });

  it('still reads a real body padded with comments, CDATA and whitespace runs', () => {
    const clean = parseSep(readingList);
    expect(clean.ok).toBe(true);
    fc.assert(
      fc.property(fc.constantFrom('<!--<a><b>-->', '<![CDATA[<<<]]]]>', ' \n\t'), fc.integer({ min: 1, max: 3000 }), (pad, n) => {
        const at = readingList.indexOf('<Reading ');
        const padded = `${readingList.slice(0, at)}${pad.repeat(n)}${readingList.slice(at)}`;
        const r = parseSep(padded);
        expect(r.ok && r.value).toEqual(clean.ok && clean.value);
      }),
      { numRuns: 30 },
    );
  });
});
