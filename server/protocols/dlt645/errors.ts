/** Typed errors of the DL/T 645 codec: the reason names what is wrong with the bytes. */
export type Dlt645FrameErrorReason =
  | 'too_short'
  | 'no_start'
  | 'no_second_start'
  | 'length_mismatch'
  | 'bad_checksum'
  | 'no_end'
  | 'bad_address'
  | 'data_too_long';

export class Dlt645FrameError extends Error {
  override readonly name = 'Dlt645FrameError';
  constructor(
    readonly reason: Dlt645FrameErrorReason,
    message: string,
  ) {
    super(message);
  }
}

/** Meanings of the bits of the error word (ERR) in an abnormal reply, bit 0 first. */
export const ERROR_WORD_BITS = [
  'other error',
  'no requested data',
  'password error or unauthorised',
  'communication rate cannot be changed',
  'number of year time zones exceeded',
  'number of daily time periods exceeded',
  'number of tariffs exceeded',
  'reserved',
] as const;

/** The meanings of every bit set in an error word. */
export function errorWordMeanings(err: number): string[] {
  const meanings = ERROR_WORD_BITS.filter((_, bit) => (err & (1 << bit)) !== 0);
  return meanings.length > 0 ? [...meanings] : ['unspecified error (error word 0)'];
}

/** Bit 1: the meter does not have this data identifier. */
export function isNoDataError(err: number): boolean {
  return (err & 0x02) !== 0;
}
