/**
 * Finds frames in a byte stream (TCP or serial): skips wake-up bytes and garbage, waits for
 * split frames, returns merged ones one by one, and resyncs one byte further on a bad frame.
 */
import { checkFrameAt, HEADER_LENGTH, OVERHEAD, PREAMBLE, START, type Dlt645Frame } from './frame.ts';
import { Dlt645FrameError } from './errors.ts';

export interface ExtractorStats {
  frames: number;
  /** Candidates that had both 0x68 but failed length, checksum or end byte. */
  badFrames: number;
  /** Bytes skipped that were neither wake-up bytes nor part of a frame. */
  garbageBytes: number;
  lastError?: Dlt645FrameError;
}

export class Dlt645FrameExtractor {
  private buf: Uint8Array = new Uint8Array(0);
  readonly stats: ExtractorStats = { frames: 0, badFrames: 0, garbageBytes: 0 };

  /** Bytes held while waiting for the rest of a frame. */
  get pending(): number {
    return this.buf.length;
  }

  push(chunk: Uint8Array): Dlt645Frame[] {
    const buf = this.buf.length === 0 ? chunk : concat(this.buf, chunk);
    const frames: Dlt645Frame[] = [];
    let pos = 0;
    while (pos < buf.length) {
      const start = this.skipToStart(buf, pos);
      pos = start;
      if (start >= buf.length) break;
      const avail = buf.length - start;
      if (avail < HEADER_LENGTH) break;
      if (buf[start + 7] !== START) {
        this.skipGarbage(1);
        pos = start + 1;
        continue;
      }
      const total = OVERHEAD + buf[start + 9];
      if (avail < total) {
        // A 0x68 in garbage can look like a long header; do not let it hide a whole frame behind it.
        if (this.completeFrameAfter(buf, start + 1)) {
          this.reject(
            new Dlt645FrameError('length_mismatch', `header at offset ${start} claims ${total} bytes but a complete frame follows`),
          );
          pos = start + 1;
          continue;
        }
        break;
      }
      const result = checkFrameAt(buf, start, total);
      if (result instanceof Dlt645FrameError) {
        this.reject(result);
        pos = start + 1;
        continue;
      }
      this.stats.frames++;
      frames.push(result);
      pos = start + total;
    }
    this.buf = pos >= buf.length ? new Uint8Array(0) : buf.slice(pos);
    return frames;
  }

  reset(): void {
    this.buf = new Uint8Array(0);
  }

  private skipToStart(buf: Uint8Array, pos: number): number {
    let i = pos;
    while (i < buf.length && buf[i] !== START) {
      if (buf[i] !== PREAMBLE) this.stats.garbageBytes++;
      i++;
    }
    return i;
  }

  private skipGarbage(n: number): void {
    this.stats.garbageBytes += n;
  }

  private reject(err: Dlt645FrameError): void {
    this.stats.badFrames++;
    this.stats.lastError = err;
  }

  private completeFrameAfter(buf: Uint8Array, from: number): boolean {
    for (let i = buf.indexOf(START, from); i >= 0 && buf.length - i >= OVERHEAD; i = buf.indexOf(START, i + 1)) {
      if (buf[i + 7] !== START) continue;
      const total = OVERHEAD + buf[i + 9];
      if (buf.length - i >= total && !(checkFrameAt(buf, i, total) instanceof Dlt645FrameError)) return true;
    }
    return false;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
