import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseSep } from '../../../server/protocols/ieee2030_5/xml.ts';
import { smartEnergyServer } from '../../../server/protocols/ieee2030_5/dnssd.ts';
import { ITRON_CRAWL, itronDocument } from '../../support/deviceDocuments.ts';

const docs = ITRON_CRAWL.map((e) => itronDocument(e.file));

function renderReading(r: { value: number | null; flags: number; start: number; tier: number }): string {
  return (
    `<Reading xmlns="urn:ieee:std:2030.5:ns" href="/x"><qualityFlags>${r.flags.toString(16).padStart(2, '0')}</qualityFlags>` +
    `<timePeriod><duration>1</duration><start>${r.start}</start></timePeriod><touTier>${r.tier}</touTier>` +
    `${r.value === null ? '' : `<value>${r.value}</value>`}</Reading>`
  );
}

describe('XML parsing never throws', () => {
  it('random text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (s) => {
        expect(typeof parseSep(s).ok).toBe('boolean');
      }),
      { numRuns: 2000 },
    );
  });

  it('mutated real documents (cut, spliced, bytes replaced)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...docs), fc.nat(), fc.nat(), fc.string({ maxLength: 20 }), (doc, a, b, insert) => {
        const i = a % (doc.length + 1);
        const j = Math.min(doc.length, i + (b % 40));
        expect(typeof parseSep(doc.slice(0, i) + insert + doc.slice(j)).ok).toBe('boolean');
        expect(typeof parseSep(doc.slice(0, i)).ok).toBe('boolean');
      }),
      { numRuns: 2000 },
    );
  });

  it('round trip of generated Readings', () => {
    fc.assert(
      fc.property(
        fc.record({
          value: fc.option(fc.integer({ min: -(2 ** 47), max: 2 ** 47 - 1 }), { nil: null }),
          flags: fc.integer({ min: 0, max: 0x7f }),
          start: fc.integer({ min: 0, max: 2 ** 40 }),
          tier: fc.integer({ min: 0, max: 15 }),
        }),
        (r) => {
          const parsed = parseSep(renderReading(r));
          expect(parsed).toEqual({
            ok: true,
            value: {
              type: 'Reading',
              href: '/x',
              value: r.value,
              qualityFlags: r.flags,
              start: r.start,
              duration: 1,
              touTier: r.tier,
              localID: null,
            },
          });
        },
      ),
    );
  });

  it('arbitrary DNS-SD records', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.option(fc.integer()),
        fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.boolean())),
        fc.array(fc.string()),
        (name, port, txt, subtypes) => {
          const s = smartEnergyServer({ name, port: port ?? undefined, txt, subtypes, host: 'h.local' });
          if (s) expect(s.port).toBeGreaterThan(0);
        },
      ),
    );
  });
});
