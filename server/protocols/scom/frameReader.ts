/**
 * Cuts a SCOM byte stream into frames in time linear in the bytes received, whatever they are.
 *
 * It hunts for 0xAA and trusts a data length only after its header checksum verifies, so a
 * stray 0xAA or a corrupted frame costs one resync, not the link. A hostile stream can put a
 * valid header announcing 1100 bytes at every 14th byte, each with a bad data checksum; the
 * data checksums therefore come from running prefix sums (O(1) per candidate) instead of a
 * pass over the data per candidate. The buffer holds at most one unfinished frame plus the
 * last chunk, and a rejected candidate costs a counter increment, no error text.
 */
import { FRAME_OVERHEAD, FRAME_START, HEADER_LENGTH, MAX_DATA_LENGTH } from './constants.ts';
import type { ScomFrame } from './frame.ts';
import { byteAt } from '../bytes.ts';

const INITIAL_CAPACITY = 2 * (FRAME_OVERHEAD + MAX_DATA_LENGTH);
const SHORT_GAP = 32;

export class FrameReader {
  /** Received bytes in [start, end). */
  private buf = new Uint8Array(INITIAL_CAPACITY);
  /** sum1[i] = Σ buf[start..i) and sum2[i] = Σ sum1[start+1..i] (mod 256), valid up to `summed`. */
  private sum1 = new Uint8Array(INITIAL_CAPACITY + 1);
  private sum2 = new Uint8Array(INITIAL_CAPACITY + 1);
  private start = 0;
  private end = 0;
  private summed = 0;
  /** Bytes thrown away while resynchronising (noise, corrupted frames). */
  discarded = 0;
  /** Frames with a valid header whose data checksum failed. */
  badFrames = 0;
  /** Unit operations done (bytes summed, header bytes checked, bytes copied out); linear in the input. */
  steps = 0;

  push(chunk: Uint8Array): ScomFrame[] {
    this.append(chunk);
    const frames: ScomFrame[] = [];
    // Only the received part: a search must not run on into stale capacity.
    const buf = this.buf.subarray(0, this.end);
    const end = this.end;
    let pos = this.start;
    let skipped = 0;
    while (pos < end) {
      if (buf[pos] !== FRAME_START) {
        // Short gaps by hand (a native call costs more than a few bytes), long ones natively.
        const near = Math.min(end, pos + SHORT_GAP);
        let to = pos + 1;
        while (to < near && buf[to] !== FRAME_START) to++;
        if (to === near && to < end) {
          const next = buf.indexOf(FRAME_START, to);
          to = next === -1 ? end : next;
        }
        skipped += to - pos;
        pos = to;
        continue;
      }
      if (end - pos < HEADER_LENGTH) break;
      const length = byteAt(buf, pos + 10) | (byteAt(buf, pos + 11) << 8);
      // The length test is free and rejects most noise (a run of 0xAA announces 43690 bytes).
      if (length > MAX_DATA_LENGTH || !this.headerChecksumMatches(pos)) {
        skipped++;
        pos++;
        continue;
      }
      const total = FRAME_OVERHEAD + length;
      if (end - pos < total) break;
      this.sumUpTo(pos + HEADER_LENGTH + length);
      if (!this.checksumMatches(pos + HEADER_LENGTH, pos + HEADER_LENGTH + length)) {
        this.badFrames++;
        skipped++;
        pos++;
        continue;
      }
      frames.push(this.frameAt(pos, length));
      pos += total;
    }
    this.steps += skipped;
    this.discarded += skipped;
    this.start = pos;
    if (this.start === this.end) this.reset();
    return frames;
  }

  /** Forget partial input (after a timeout or a reopened port). */
  reset(): void {
    this.start = 0;
    this.end = 0;
    this.summed = 0;
    // One huge chunk grew the buffer; do not keep that memory for the life of the link.
    if (this.buf.length > 4 * INITIAL_CAPACITY) {
      this.buf = new Uint8Array(INITIAL_CAPACITY);
      this.sum1 = new Uint8Array(INITIAL_CAPACITY + 1);
      this.sum2 = new Uint8Array(INITIAL_CAPACITY + 1);
    }
  }

  /** Bytes of memory held for buffering (the buffer and its two prefix-sum arrays). */
  get capacity(): number {
    return this.buf.length + this.sum1.length + this.sum2.length;
  }

  get pending(): number {
    return this.end - this.start;
  }

  private append(chunk: Uint8Array): void {
    if (this.end + chunk.length > this.buf.length) this.compact(this.end - this.start + chunk.length);
    this.buf.set(chunk, this.end);
    this.end += chunk.length;
  }

  /**
   * Move the kept bytes (at most one unfinished frame) and their sums, which only matter as
   * differences, to the front; grow only for a chunk larger than the room left. Amortised O(1) per byte.
   */
  private compact(needed: number): void {
    const kept = this.end - this.start;
    const sums = Math.max(0, this.summed - this.start);
    if (needed > this.buf.length) {
      const capacity = 2 * needed;
      const buf = new Uint8Array(capacity);
      const sum1 = new Uint8Array(capacity + 1);
      const sum2 = new Uint8Array(capacity + 1);
      buf.set(this.buf.subarray(this.start, this.end));
      sum1.set(this.sum1.subarray(this.start, this.start + sums + 1));
      sum2.set(this.sum2.subarray(this.start, this.start + sums + 1));
      this.buf = buf;
      this.sum1 = sum1;
      this.sum2 = sum2;
    } else {
      this.buf.copyWithin(0, this.start, this.end);
      this.sum1.copyWithin(0, this.start, this.start + sums + 1);
      this.sum2.copyWithin(0, this.start, this.start + sums + 1);
    }
    this.steps += kept;
    this.summed = this.summed > this.start ? sums : 0;
    this.start = 0;
    this.end = kept;
  }

  /** Extend the prefix sums to cover buf[.. upTo); each byte is summed once. */
  private sumUpTo(upTo: number): void {
    if (this.summed < this.start) this.summed = this.start;
    for (let i = this.summed; i < upTo; i++) {
      const sum1 = byteAt(this.sum1, i) + byteAt(this.buf, i);
      this.sum1[i + 1] = sum1;
      this.sum2[i + 1] = byteAt(this.sum2, i) + sum1;
    }
    this.steps += Math.max(0, upTo - this.summed);
    this.summed = Math.max(this.summed, upTo);
  }

  /** Eleven bytes summed directly: cheaper than extending the prefix sums for every candidate. */
  private headerChecksumMatches(pos: number): boolean {
    const buf = this.buf;
    let a = 0xff;
    let b = 0;
    for (const byte of buf.subarray(pos + 1, pos + 12)) {
      a = (a + byte) & 0xff;
      b = (b + a) & 0xff;
    }
    this.steps += 11;
    return buf[pos + 12] === a && buf[pos + 13] === b;
  }

  /**
   * The SCOM checksum of buf[from, to) from the prefix sums. With a = 0xFF initially, after byte
   * m: a_m = 0xFF + S1(m+1) − S1(from), so A = a_(to−1) and B = Σ a_m = n·(0xFF − S1(from)) + S2(to) − S2(from).
   */
  private checksumMatches(from: number, to: number): boolean {
    this.steps++;
    const { sum1, sum2 } = this;
    const a = (0xff + byteAt(sum1, to) - byteAt(sum1, from)) & 0xff;
    const b = ((to - from) * (0xff - byteAt(sum1, from)) + byteAt(sum2, to) - byteAt(sum2, from)) & 0xff;
    return this.buf[to] === a && this.buf[to + 1] === b;
  }

  private frameAt(pos: number, length: number): ScomFrame {
    const view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    const data = this.buf.slice(pos + HEADER_LENGTH, pos + HEADER_LENGTH + length);
    this.steps += FRAME_OVERHEAD + length;
    return { flags: byteAt(this.buf, pos + 1), src: view.getUint32(pos + 2, true), dst: view.getUint32(pos + 6, true), data };
  }
}
