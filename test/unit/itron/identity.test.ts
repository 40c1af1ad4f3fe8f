import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { groupLfdi, lfdiFromDer, normaliseLfdi, sfdiFromLfdi } from '../../../server/protocols/ieee2030_5/identity.ts';

const dir = new URL('../../fixtures/itron/lfdi-example/', import.meta.url);
const example = JSON.parse(readFileSync(new URL('lfdi-sfdi.json', dir), 'utf8')) as {
  lfdi: string;
  lfdi_grouped_like_launchpad: string;
  sfdi: number;
  check_digit: number;
  ieee_2030_5_spec_example: { lfdi: string; sfdi: number };
};

describe('LFDI and SFDI (protocols/ieee2030-5.md §4.3)', () => {
  it('computes the LFDI of the worked-example certificate from its DER', () => {
    expect(lfdiFromDer(readFileSync(new URL('test-client-cert.der', dir)))).toBe(example.lfdi);
  });

  it('computes the SFDI with its check digit for both worked examples', () => {
    expect(sfdiFromLfdi(example.lfdi)).toBe(String(example.sfdi));
    expect(sfdiFromLfdi(example.ieee_2030_5_spec_example.lfdi)).toBe(String(example.ieee_2030_5_spec_example.sfdi));
    expect(sfdiFromLfdi(example.lfdi).at(-1)).toBe(String(example.check_digit));
  });

  it('groups the LFDI like the Launchpad portal and accepts that form back', () => {
    expect(groupLfdi(example.lfdi)).toBe(example.lfdi_grouped_like_launchpad);
    expect(normaliseLfdi(example.lfdi_grouped_like_launchpad)).toBe(example.lfdi);
    expect(normaliseLfdi(example.lfdi.toLowerCase())).toBe(example.lfdi);
    expect(normaliseLfdi('not an lfdi')).toBeNull();
  });

  it('every SFDI has a digit sum that is a multiple of 10 and fits 12 digits', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 20, maxLength: 20 }), (bytes) => {
        const sfdi = sfdiFromLfdi(Buffer.from(bytes).toString('hex'));
        expect(sfdi.length).toBeLessThanOrEqual(12);
        expect([...sfdi].reduce((a, d) => a + Number(d), 0) % 10).toBe(0);
        expect(BigInt(sfdi) / 10n).toBe(BigInt(`0x${Buffer.from(bytes).toString('hex').slice(0, 9)}`));
      }),
    );
  });
});
