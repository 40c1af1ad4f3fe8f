/**
 * The active energy combination mode word (DI 04000601, one byte): which counters the
 * combined active energy (00000000) adds or subtracts. Bits as in DL/T 645-2007: bit 0
 * forward active added, bit 1 forward subtracted, bit 2 reverse active added, bit 3
 * reverse subtracted; the upper bits are reserved.
 */
export const MODE_WORD_DI = '04000601';

const COUNTER_BITS = 0x0f;
const FORWARD_ADDED = 0x01;

/** 00000000 is the forward (import) counter alone: forward added, reverse not counted. */
export function combinedIsImportOnly(modeWord: number): boolean {
  return (modeWord & COUNTER_BITS) === FORWARD_ADDED;
}

/** The mode word in words, for diagnostics ("forward + reverse"). */
export function describeModeWord(modeWord: number): string {
  const terms = [
    [0x01, '+ forward'],
    [0x02, '- forward'],
    [0x04, '+ reverse'],
    [0x08, '- reverse'],
  ]
    .filter(([bit]) => (modeWord & (bit as number)) !== 0)
    .map(([, term]) => term);
  const hex = `0x${modeWord.toString(16).padStart(2, '0')}`;
  return terms.length > 0 ? `${hex} (${terms.join(' ')})` : `${hex} (no counter)`;
}
