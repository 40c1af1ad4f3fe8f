/**
 * Splits a byte stream (serial port or TCP connection) into APDUs, detecting the carrier
 * at each frame start (protocols/dlms-cosem.md §10): `7E` HDLC, `68 L L 68` M-Bus,
 * `00 01` wrapper, `DB` a raw general-glo-ciphering APDU (Smarty P1). Segments are
 * reassembled; damaged frames and stray bytes become error items and parsing resyncs.
 *
 * Hostile input costs linear time and bounded memory: candidates are probed without
 * throwing, bytes that start no frame are skipped in one pass, checksums run at most once
 * per byte, the bytes held back never exceed the largest frame a carrier allows, and every
 * run of rejected bytes between two good items is one error item.
 */
import { DlmsFrameError } from './errors.ts';
import { HDLC_FLAG, HdlcAssembler, scanHdlc } from './hdlc.ts';
import { ivyHeartbeatAddress } from './ivy.ts';
import { MbusAssembler, scanMbus } from './mbus.ts';
import { headerReject, NEED, type Scan } from './scan.ts';
import { scanWrapper } from './wrapper.ts';

export type Carrier = 'wrapper' | 'hdlc' | 'mbus' | 'raw';

export type StreamItem =
  | { kind: 'apdu'; carrier: Carrier; apdu: Buffer }
  | { kind: 'heartbeat'; address: string }
  | { kind: 'error'; error: DlmsFrameError };

/** APDU tags an IVY EM114070 sends unwrapped over TCP (protocols/dlms-cosem.md §2). */
const RAW_TAGS = new Set([0x0f, 0xc2, 0xc4, 0x61]);
const GLO_CIPHERING = 0xdb;
const MBUS_START = 0x68;
const WRAPPER_START = 0x00;

/** A freshly reset stream's buffer; grown on demand and given back once a big chunk is done. */
const INITIAL_CAPACITY = 4096;

/** Work done so far, for tests that hold the parser to linear time. */
export interface StreamWork {
  /** Scan steps: one per candidate probed or run of stray bytes skipped, plus one per stray byte. */
  steps: number;
  /** Bytes run through a checksum (HDLC FCS/HCS, M-Bus sum). */
  checked: number;
}

export class ApduStream {
  /** Bytes not yet consumed are `store[start, end)`. */
  private store = Buffer.alloc(INITIAL_CAPACITY);
  private start = 0;
  private end = 0;
  private readonly hdlc = new HdlcAssembler();
  private readonly mbus = new MbusAssembler();
  /** Bytes dropped since the last good item, and why (the first damaged frame's reason, if any). */
  private dropped = 0;
  private dropReason: string | undefined;
  readonly work: StreamWork = { steps: 0, checked: 0 };

  /**
   * @param rawChunks on TCP, a chunk that starts a fresh buffer with a notification or
   *   response tag is taken as one unframed APDU (these carry no length of their own).
   */
  constructor(private readonly rawChunks = false) {}

  /** Bytes held back waiting for the rest of a frame (never more than the largest frame). */
  get pending(): number {
    return this.end - this.start;
  }

  push(chunk: Buffer): StreamItem[] {
    if (this.rawChunks && this.pending === 0 && chunk.length > 0 && RAW_TAGS.has(chunk.readUInt8(0)))
      return [{ kind: 'apdu', carrier: 'raw', apdu: Buffer.from(chunk) }];
    this.append(chunk);
    const out: StreamItem[] = [];
    this.drain(out, false);
    this.compact();
    return out;
  }

  /**
   * The burst is over: nothing will complete the frame held back. Give up on its start
   * (a stray `7E A7 FF` claims 2 KB and would otherwise hide the telegram behind it), read
   * what follows, then forget partial segments.
   */
  flush(): StreamItem[] {
    const out: StreamItem[] = [];
    this.drain(out, true);
    this.reset();
    return out;
  }

  /** Forget partial frames (after a silence: a push meter sends each telegram in one burst). */
  reset(): void {
    this.store = Buffer.alloc(INITIAL_CAPACITY);
    this.start = 0;
    this.end = 0;
    this.dropped = 0;
    this.dropReason = undefined;
    this.hdlc.reset();
    this.mbus.reset();
  }

  private drain(out: StreamItem[], final: boolean): void {
    const view = this.store.subarray(0, this.end);
    while (this.start < this.end) {
      this.work.steps++;
      const at = this.start;
      const first = view[at];
      if (!isFrameStart(first)) {
        this.skipStray(view);
        continue;
      }
      if (first === HDLC_FLAG && at + 1 < this.end && view[at + 1] === HDLC_FLAG) {
        // Consecutive flags (idle line or a shared closing/opening flag): not an error.
        this.start++;
        continue;
      }
      const scan = scanAt(view, at, first);
      if (scan.kind === 'need') {
        if (!final) break;
        this.drop(1, undefined);
        continue;
      }
      this.work.checked += scan.checked;
      if (scan.kind === 'reject') {
        this.drop(scan.skip, scan.checked > 0 ? scan.reason : undefined);
        continue;
      }
      this.start += scan.size;
      this.deliver(scan, out);
    }
    this.flushDropped(out);
  }

  private deliver(scan: Extract<FrameScan, { kind: 'frame' }>, out: StreamItem[]): void {
    let item: StreamItem | undefined;
    try {
      item = toItem(scan, this.hdlc, this.mbus);
    } catch (err) {
      if (!(err instanceof DlmsFrameError)) throw err;
      item = { kind: 'error', error: err };
    }
    if (!item) return;
    this.flushDropped(out);
    out.push(item);
  }

  /** Skip to the next byte that could start a frame, in one pass. */
  private skipStray(view: Buffer): void {
    let i = this.start + 1;
    while (i < this.end && !isFrameStart(view[i])) i++;
    this.work.steps += i - this.start;
    this.drop(i - this.start, undefined);
  }

  private drop(bytes: number, reason: string | undefined): void {
    this.start += bytes;
    this.dropped += bytes;
    this.dropReason ??= reason;
  }

  private flushDropped(out: StreamItem[]): void {
    if (this.dropped === 0) return;
    const what = this.dropReason ? `: ${this.dropReason}` : ' outside any frame';
    out.push({ kind: 'error', error: new DlmsFrameError(`${this.dropped} byte(s) dropped${what}`) });
    this.dropped = 0;
    this.dropReason = undefined;
  }

  private append(chunk: Buffer): void {
    if (this.end + chunk.length > this.store.length) {
      const live = this.end - this.start;
      // Move the live bytes down when that frees enough room, else grow: each byte is copied O(1) times on average.
      const target =
        live + chunk.length <= this.store.length / 2 ? this.store : Buffer.alloc(Math.max(2 * this.store.length, live + chunk.length));
      this.store.copy(target, 0, this.start, this.end);
      this.store = target;
      this.start = 0;
      this.end = live;
    }
    chunk.copy(this.store, this.end);
    this.end += chunk.length;
  }

  /** Give back a buffer a big chunk grew, once what is left of it fits a small one. */
  private compact(): void {
    const live = this.end - this.start;
    if (this.store.length <= 4 * INITIAL_CAPACITY || live > INITIAL_CAPACITY) return;
    const small = Buffer.alloc(INITIAL_CAPACITY);
    this.store.copy(small, 0, this.start, this.end);
    this.store = small;
    this.start = 0;
    this.end = live;
  }
}

type FrameScan = Scan<Buffer> | ReturnType<typeof scanHdlc> | ReturnType<typeof scanMbus> | ReturnType<typeof scanWrapper>;

/** Takes an index read as it is: past the end (undefined) is not a frame start. */
function isFrameStart(b: number | undefined): b is number {
  return b === HDLC_FLAG || b === MBUS_START || b === WRAPPER_START || b === GLO_CIPHERING;
}

function scanAt(view: Buffer, at: number, first: number): FrameScan {
  switch (first) {
    case HDLC_FLAG:
      return scanHdlc(view, at);
    case MBUS_START:
      return scanMbus(view, at);
    case WRAPPER_START:
      return scanWrapper(view, at);
    default:
      return scanRawGlo(view, at);
  }
}

function toItem(scan: Extract<FrameScan, { kind: 'frame' }>, hdlc: HdlcAssembler, mbus: MbusAssembler): StreamItem | undefined {
  const f = scan.frame;
  if (Buffer.isBuffer(f)) return { kind: 'apdu', carrier: 'raw', apdu: f };
  if ('info' in f) {
    const apdu = hdlc.push(f);
    return apdu ? { kind: 'apdu', carrier: 'hdlc', apdu } : undefined;
  }
  if ('ci' in f) {
    const apdu = mbus.push(f);
    return apdu ? { kind: 'apdu', carrier: 'mbus', apdu } : undefined;
  }
  const address = ivyHeartbeatAddress(f.apdu);
  return address !== null ? { kind: 'heartbeat', address } : { kind: 'apdu', carrier: 'wrapper', apdu: f.apdu };
}

const NO_TITLE = headerReject('raw general-glo-ciphering APDU without an 8-byte system title');
const BAD_LENGTH = headerReject('raw general-glo-ciphering APDU with an invalid length prefix');
const TOO_LONG = headerReject('raw general-glo-ciphering APDU claims more than 65535 bytes');
/** Tag, title length, 8-byte system title. */
const GLO_HEADER = 10;

/** A general-glo-ciphering APDU at `b[at]` (tag, 8-byte system title, A-XDR length, content), without throwing. */
export function scanRawGlo(b: Buffer, at: number): Scan<Buffer> {
  const avail = b.length - at;
  if (avail < 2) return NEED;
  if (b[at + 1] !== 0x08) return NO_TITLE;
  if (avail < GLO_HEADER + 1) return NEED;
  const first = b.readUInt8(at + GLO_HEADER);
  let len = first;
  let head = GLO_HEADER + 1;
  if (first >= 0x80) {
    const n = first & 0x7f;
    if (n === 0 || n > 4) return BAD_LENGTH;
    head += n;
    if (avail < head) return NEED;
    len = 0;
    for (const byte of b.subarray(at + GLO_HEADER + 1, at + head)) len = len * 256 + byte;
    if (len > 0xffff) return TOO_LONG;
  }
  if (avail < head + len) return NEED;
  return { kind: 'frame', frame: Buffer.from(b.subarray(at, at + head + len)), size: head + len, checked: 0 };
}
