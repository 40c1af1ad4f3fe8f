import { describe, expect, it } from 'vitest';
import { parseSettingsSerial } from '../../../server/protocols/kostal/settingsPage.ts';
import { renderSettingsPage } from '../../../server/sim/kostal/settingsPage.ts';

const page = (language: 'en' | 'de' | 'nl', serial = '90553KSE00123') =>
  renderSettingsPage({ model: 'PIKO 8.3', name: 'piko', serial, language });

describe('classic settings page (/Solar2.fhtml)', () => {
  it('reads the serial number by its label in every language', () => {
    for (const language of ['en', 'de', 'nl'] as const)
      expect(parseSettingsSerial(page(language))).toEqual({ ok: true, value: '90553KSE00123' });
  });

  it('falls back to row 2, cell 3 of the settings table when the label is unknown', () => {
    const unlabelled = Buffer.from(page('en').toString('latin1').replace('serial number', 'numéro de série'), 'latin1');
    expect(parseSettingsSerial(unlabelled)).toEqual({ ok: true, value: '90553KSE00123' });
  });

  it('names what is wrong instead of taking anything as identity', () => {
    expect(parseSettingsSerial(Buffer.from('<html><body>404</body></html>'))).toEqual({
      ok: false,
      error: 'no serial number row in the settings table',
    });
    expect(parseSettingsSerial(page('en', '<b>x</b> y z'))).toMatchObject({
      ok: false,
      error: expect.stringContaining('does not look like'),
    });
    expect(parseSettingsSerial(Buffer.alloc(300 * 1024, 0x41))).toMatchObject({ ok: false, error: expect.stringContaining('larger than') });
  });
});
