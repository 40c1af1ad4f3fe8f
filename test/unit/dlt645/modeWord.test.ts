import { describe, expect, it } from 'vitest';
import { combinedIsImportOnly, describeModeWord } from '../../../server/protocols/dlt645/modeWord.ts';

describe('active energy combination mode word', () => {
  it('takes 00000000 as the import energy only when it adds the forward energy and nothing else', () => {
    expect(combinedIsImportOnly(0x01)).toBe(true);
    // Reserved upper bits do not change what is counted.
    expect(combinedIsImportOnly(0x81)).toBe(true);
    for (const mw of [0x00, 0x02, 0x05, 0x09, 0x04, 0x0f]) expect(combinedIsImportOnly(mw)).toBe(false);
  });

  it('says what it counts', () => {
    expect(describeModeWord(0x09)).toBe('0x09 (+ forward - reverse)');
    expect(describeModeWord(0x00)).toBe('0x00 (no counter)');
  });
});
