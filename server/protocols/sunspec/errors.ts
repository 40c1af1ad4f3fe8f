/** What went wrong with what a SunSpec device sent; the message names the address or model. */
export type SunSpecProblem = 'no-marker' | 'malformed' | 'too-long' | 'short-response';

export class SunSpecError extends Error {
  constructor(
    readonly problem: SunSpecProblem,
    message: string,
  ) {
    super(message);
    this.name = 'SunSpecError';
  }
}
