import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classicSnapshot, parseClassicPage } from '../../../server/protocols/kostal/classicPage.ts';
import { dxsSnapshot, parseDxsResponse } from '../../../server/protocols/kostal/dxs.ts';
import { kostalPage } from '../../support/deviceDocuments.ts';

const page = kostalPage('piko-5.5-index-de-3strings.html');

/** A page with random byte runs overwritten, deleted or inserted. */
const mutatedPage = fc
  .array(fc.record({ at: fc.nat({ max: page.length - 1 }), cut: fc.nat({ max: 40 }), insert: fc.uint8Array({ maxLength: 20 }) }), {
    minLength: 1,
    maxLength: 8,
  })
  .map((edits) => {
    let bytes = Buffer.from(page);
    for (const e of edits) {
      const at = Math.min(e.at, bytes.length);
      bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from(e.insert), bytes.subarray(at + e.cut)]);
    }
    return bytes;
  });

describe('kostal parsers never throw', () => {
  it('on mutated classic pages (and a parsed result is well-formed)', () => {
    fc.assert(
      fc.property(mutatedPage, (bytes) => {
        const r = parseClassicPage(bytes);
        if (r.ok) {
          const s = classicSnapshot(r.value);
          for (const v of [s.acPowerW, s.totalEnergyKwh, s.dailyEnergyKwh]) expect(v === null || Number.isFinite(v)).toBe(true);
        } else {
          expect(r.error.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 120 },
    );
  });

  it('on random text and bytes', () => {
    fc.assert(
      fc.property(fc.string(), (s) => void parseClassicPage(s)),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (b) => void parseClassicPage(b)),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.string(), (s) => void parseDxsResponse(s)),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.jsonValue(), (j) => {
        const r = parseDxsResponse(JSON.stringify({ dxsEntries: [j], status: { code: 0 } }));
        if (r.ok) dxsSnapshot(r.value);
      }),
      { numRuns: 300 },
    );
  });

  it('round-trips DXS entries whatever their order', () => {
    const entry = fc.record({
      dxsId: fc.integer({ min: 1, max: 2 ** 31 }),
      value: fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string()),
    });
    fc.assert(
      fc.property(fc.uniqueArray(entry, { selector: (e) => e.dxsId, maxLength: 30 }), (entries) => {
        const r = parseDxsResponse(
          JSON.stringify({ dxsEntries: [...entries].reverse(), session: { sessionId: 0, roleId: 0 }, status: { code: 0 } }),
        );
        expect(r.ok).toBe(true);
        if (r.ok) expect(new Map(entries.map((e) => [e.dxsId, Object.is(e.value, -0) ? 0 : e.value]))).toEqual(r.value);
      }),
      { numRuns: 200 },
    );
  });
});
