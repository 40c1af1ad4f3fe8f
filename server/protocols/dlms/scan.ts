/**
 * The outcome of looking for one frame at an offset, without throwing: the stream parser
 * probes every candidate start byte while hunting, so a rejection must cost no `Error`
 * (and its stack trace) and no allocation beyond a shared constant.
 */
import { DlmsFrameError } from './errors.ts';

export type Scan<T> =
  | { kind: 'frame'; frame: T; size: number; checked: number }
  | { kind: 'need' }
  /** `skip`: bytes to drop (1, or a whole damaged frame); `checked`: bytes run through a checksum. */
  | { kind: 'reject'; reason: string; skip: number; checked: number };

export const NEED: Scan<never> = { kind: 'need' };

/** A header-level rejection: built once per reason at module load, shared by every byte it rejects. */
export function headerReject(reason: string): Scan<never> {
  return { kind: 'reject', reason, skip: 1, checked: 0 };
}

/** The frame of a scan at `buf[0]` for the throwing decoders: null when more bytes are needed. */
export function frameOrThrow<T>(s: Scan<T>): { frame: T; size: number } | null {
  if (s.kind === 'need') return null;
  if (s.kind === 'reject') throw new DlmsFrameError(s.reason);
  return { frame: s.frame, size: s.size };
}
