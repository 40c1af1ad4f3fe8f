/**
 * Finds frames in a byte stream (TCP or serial): skips wake-up bytes and garbage, waits for
 * split frames, returns merged ones one by one, and resyncs one byte further on a bad frame.
 *
 * Every byte is looked at a bounded number of times whatever the stream holds (runs of 0x68,
 * headers claiming 255 data bytes, frames inside garbage): each position is classified once
 * when its header is in, and each candidate frame is checked once, when its last byte
 * arrives, against a running checksum. Only a window of one maximal frame is kept, in a ring.
 */
import * as wire from './frame.ts';
import type { Dlt645Frame } from './frame.ts';
import { Dlt645FrameError, type Dlt645FrameErrorReason } from './errors.ts';

/** Copied once: an imported binding is looked up on every use, and these are used per byte. */
const START_BYTE = wire.START;
const END_BYTE = wire.END;
const PREAMBLE_BYTE = wire.PREAMBLE;
const HEADER = wire.HEADER_LENGTH;
const FRAME_OVERHEAD = wire.OVERHEAD;

export interface ExtractorStats {
  frames: number;
  /** Candidates that had both 0x68 but failed length, checksum or end byte. */
  badFrames: number;
  /** Bytes skipped that were neither wake-up bytes nor part of a frame. */
  garbageBytes: number;
  lastError?: Dlt645FrameError;
}

/** The longest frame (L = 255); a candidate is settled once this many bytes follow its start. */
export const MAX_FRAME_LENGTH = FRAME_OVERHEAD + 255;
/** Ring size: a power of two above the longest frame, so the window never wraps onto itself. */
const RING = 512;
const MASK = RING - 1;
const NONE = -1;
// Ring reads index `pos & MASK`, always inside the ring: `as number` says so at each read. A
// helper function for it is not inlined in the per-byte loop and costs a fifth of the
// throughput on a flood of 0x68 (bench hostile, startRun).
/**
 * Positions are kept in Int32Arrays (half the memory of a link's extractor): once this many
 * bytes went through, the count starts again from zero at the next chunk that finds nothing
 * held; a stream that keeps bytes held that long (endless garbage) loses those held bytes.
 */
const RESTART_AT = 2 ** 30;

/**
 * The working arrays (7 kB). A link between frames holds no bytes and needs none of them, so
 * they are lent per push and kept only while a frame is incomplete: ten thousand idle meter
 * links share a handful instead of holding 70 MB.
 */
interface Workspace {
  ring: Uint8Array;
  sums: Uint8Array;
  endsAt: Int32Array;
  nextSameEnd: Int32Array;
  open: Int32Array;
}

function newWorkspace(): Workspace {
  return {
    ring: new Uint8Array(RING),
    sums: new Uint8Array(RING),
    endsAt: new Int32Array(RING).fill(NONE),
    nextSameEnd: new Int32Array(RING).fill(NONE),
    open: new Int32Array(RING),
  };
}

/** Workspaces returned clean (no candidate listed), ready for the next push. */
const spareWorkspaces: Workspace[] = [];
const MAX_SPARE_WORKSPACES = 64;
/** What an extractor points at while it holds no workspace (never read then). */
const NO_WORKSPACE: Workspace = {
  ring: new Uint8Array(0),
  sums: new Uint8Array(0),
  endsAt: new Int32Array(0),
  nextSameEnd: new Int32Array(0),
  open: new Int32Array(0),
};

export class Dlt645FrameExtractor {
  /** Stream bytes by absolute position, modulo RING. */
  private ring = NO_WORKSPACE.ring;
  /** sums[i & MASK] = sum of every byte before absolute position i, mod 256. */
  private sums = NO_WORKSPACE.sums;
  /** Candidates ending at a position: head of a list linked through `nextSameEnd`, by position. */
  private endsAt = NO_WORKSPACE.endsAt;
  private nextSameEnd = NO_WORKSPACE.nextSameEnd;
  /** Open candidates (header complete, frame not yet), in stream order. */
  private open = NO_WORKSPACE.open;
  /** The arrays above while this extractor works or holds bytes; between frames it holds none. */
  private workspace: Workspace | undefined;
  private openHead = 0;
  private openTail = 0;
  /** Absolute positions: bytes seen, next position to classify, first byte still held. */
  private length = 0;
  private scan = 0;
  private head = 0;
  /** Positions below this were consumed by an emitted frame or dropped with it. */
  private consumedTo = 0;
  private steps = 0;
  private badFrames = 0;
  private garbageBytes = 0;
  readonly stats = new Stats();

  /** @param restartAt bytes after which positions count from zero again (tests make it small). */
  constructor(private readonly restartAt = RESTART_AT) {}

  /** Bytes held while waiting for the rest of a frame (at most one maximal frame). */
  get pending(): number {
    return this.length - this.head;
  }

  /** Whether it holds working arrays now (only while a frame is incomplete). */
  get holdsWorkspace(): boolean {
    return this.workspace !== undefined;
  }

  /** Work done so far (positions classified, candidates checked, bytes dropped or copied). */
  get work(): number {
    return this.steps;
  }

  push(chunk: Uint8Array): Dlt645Frame[] {
    if (this.length >= this.restartAt && (this.head === this.length || this.length >= this.restartAt * 1.5)) {
      this.garbageBytes += this.length - this.head;
      this.reset();
    }
    const frames: Dlt645Frame[] = [];
    if (chunk.length === 0) return frames;
    if (!this.workspace) this.takeWorkspace();
    const ring = this.ring;
    const sums = this.sums;
    for (const b of chunk) {
      const pos = this.length;
      this.length = pos + 1;
      this.steps++;
      // Nothing held and no frame start: the byte is settled at once.
      if (this.head === pos && b !== START_BYTE) {
        if (b !== PREAMBLE_BYTE) this.garbageBytes++;
        sums[(pos + 1) & MASK] = ((sums[pos & MASK] as number) + b) & 0xff;
        // Candidates ending here were dropped with an emitted frame; forget them before the slot is reused.
        this.endsAt[(pos + 1) & MASK] = NONE;
        this.head = this.scan = pos + 1;
        continue;
      }
      ring[pos & MASK] = b;
      sums[(pos + 1) & MASK] = ((sums[pos & MASK] as number) + b) & 0xff;
      this.classify();
      if ((this.endsAt[this.length & MASK] as number) !== NONE) {
        const frame = this.settle(this.length);
        if (frame) frames.push(frame);
      }
      this.dropSettled();
    }
    this.stats.badFrames = this.badFrames;
    this.stats.garbageBytes = this.garbageBytes;
    // Nothing held: every candidate is settled, so positions can start again from zero.
    if (this.head === this.length) this.reset();
    return frames;
  }

  /** Forget held bytes and give the working arrays back for the next extractor that needs them. */
  reset(): void {
    this.openHead = this.openTail = 0;
    this.length = this.scan = this.head = this.consumedTo = 0;
    const ws = this.workspace;
    if (!ws) return;
    this.use(NO_WORKSPACE);
    this.workspace = undefined;
    if (spareWorkspaces.length < MAX_SPARE_WORKSPACES) {
      ws.endsAt.fill(NONE);
      ws.nextSameEnd.fill(NONE);
      spareWorkspaces.push(ws);
    }
  }

  private takeWorkspace(): void {
    const ws = spareWorkspaces.pop() ?? newWorkspace();
    ws.sums[0] = 0;
    this.use(ws);
    this.workspace = ws;
  }

  /** The arrays are fields of their own: the per-byte loop reads them without going through the workspace. */
  private use(ws: Workspace): void {
    this.ring = ws.ring;
    this.sums = ws.sums;
    this.endsAt = ws.endsAt;
    this.nextSameEnd = ws.nextSameEnd;
    this.open = ws.open;
  }

  private at(pos: number): number {
    return this.ring[pos & MASK] as number;
  }

  /** Classify every position whose header is complete: not a frame start, or an open candidate. */
  private classify(): void {
    while (this.scan < this.length) {
      const p = this.scan;
      if (this.at(p) !== START_BYTE) {
        this.scan++;
        continue;
      }
      if (this.length - p < HEADER) {
        // The second 0x68 can rule it out before the header is complete.
        if (this.length - p > 7 && this.at(p + 7) !== START_BYTE) {
          this.scan++;
          continue;
        }
        return;
      }
      this.scan++;
      this.steps++;
      if (this.at(p + 7) !== START_BYTE) continue;
      const end = p + FRAME_OVERHEAD + this.at(p + 9);
      this.nextSameEnd[p & MASK] = this.endsAt[end & MASK] as number;
      this.endsAt[end & MASK] = p;
      this.open[this.openTail++ & MASK] = p;
    }
  }

  /** Check the candidates whose last byte is the one just in; the earliest valid one wins. */
  private settle(end: number): Dlt645Frame | undefined {
    let p = this.endsAt[end & MASK] as number;
    this.endsAt[end & MASK] = NONE;
    let best = NONE;
    for (; p !== NONE; p = this.nextSameEnd[p & MASK] as number) {
      this.steps++;
      if (p < this.consumedTo) continue;
      const dataEnd = end - 2;
      if (this.at(end - 1) !== END_BYTE) this.reject('no_end', 'expected 0x16 at the end');
      else if ((((this.sums[dataEnd & MASK] as number) - (this.sums[p & MASK] as number)) & 0xff) !== this.at(dataEnd))
        this.reject('bad_checksum', 'checksum does not match the bytes');
      else if (best === NONE || p < best) best = p;
    }
    if (best === NONE) return undefined;
    return this.emit(best, end);
  }

  private emit(start: number, end: number): Dlt645Frame | undefined {
    // Open candidates before it overlap this frame: they were not frames.
    while (this.openHead < this.openTail) {
      const p = this.open[this.openHead & MASK] as number;
      if (p >= start) break;
      this.openHead++;
      if (p >= this.consumedTo) this.reject('length_mismatch', 'a header claims more bytes than came before a complete frame');
    }
    this.dropTo(start);
    const bytes = new Uint8Array(end - start);
    for (let i = start; i < end; i++) bytes[i - start] = this.at(i);
    this.steps += bytes.length;
    this.consumedTo = end;
    this.head = end;
    this.scan = Math.max(this.scan, end);
    const result = wire.checkFrameAt(bytes, 0);
    if (result instanceof Dlt645FrameError) return undefined;
    this.stats.frames++;
    return result;
  }

  /** Drop leading bytes no open candidate or unclassified position needs. */
  private dropSettled(): void {
    while (this.openHead < this.openTail) {
      const p = this.open[this.openHead & MASK] as number;
      // Settled candidates (checked, or inside an emitted frame) are finished.
      if (p >= this.consumedTo && this.length - p < FRAME_OVERHEAD + this.at(p + 9)) break;
      this.openHead++;
    }
    const firstOpen = this.openHead < this.openTail ? (this.open[this.openHead & MASK] as number) : this.scan;
    this.dropTo(Math.min(firstOpen, this.scan));
  }

  private dropTo(pos: number): void {
    for (; this.head < pos; this.head++) {
      this.steps++;
      if (this.head >= this.consumedTo && this.at(this.head) !== PREAMBLE_BYTE) this.garbageBytes++;
    }
  }

  private reject(reason: Dlt645FrameErrorReason, detail: string): void {
    this.steps++;
    this.badFrames++;
    this.stats.noteRejection(reason, detail);
  }
}

class Stats implements ExtractorStats {
  frames = 0;
  badFrames = 0;
  garbageBytes = 0;
  private reason: Dlt645FrameErrorReason | undefined;
  private detail = '';
  private built: Dlt645FrameError | undefined;

  /** Built on demand: a flood of bad candidates must not cost one Error (and stack trace) each. */
  get lastError(): Dlt645FrameError | undefined {
    if (this.reason && !this.built) this.built = new Dlt645FrameError(this.reason, this.detail);
    return this.built;
  }

  noteRejection(reason: Dlt645FrameErrorReason, detail: string): void {
    this.reason = reason;
    this.detail = detail;
    this.built = undefined;
  }
}
