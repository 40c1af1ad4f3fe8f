/**
 * Splits a byte stream (serial port or TCP connection) into APDUs, detecting the carrier
 * at each frame start (protocols/dlms-cosem.md §10): `7E` HDLC, `68 L L 68` M-Bus,
 * `00 01` wrapper, `DB` a raw general-glo-ciphering APDU (Smarty P1). Segments are
 * reassembled; damaged frames and stray bytes become error items and parsing resyncs.
 */
import { Cursor } from './cursor.ts';
import { DlmsDecodeError, DlmsFrameError } from './errors.ts';
import { decodeHdlc, HdlcAssembler } from './hdlc.ts';
import { ivyHeartbeatAddress } from './ivy.ts';
import { decodeMbus, MbusAssembler } from './mbus.ts';
import { decodeWrapper } from './wrapper.ts';

export type Carrier = 'wrapper' | 'hdlc' | 'mbus' | 'raw';

export type StreamItem =
  | { kind: 'apdu'; carrier: Carrier; apdu: Buffer }
  | { kind: 'heartbeat'; address: string }
  | { kind: 'error'; error: DlmsFrameError };

type Step = { size: number; item?: StreamItem } | null;

/** APDU tags an IVY EM114070 sends unwrapped over TCP (protocols/dlms-cosem.md §2). */
const RAW_TAGS = new Set([0x0f, 0xc2, 0xc4, 0x61]);

export class ApduStream {
  private buf = Buffer.alloc(0);

  /**
   * @param rawChunks on TCP, a chunk that starts a fresh buffer with a notification or
   *   response tag is taken as one unframed APDU (these carry no length of their own).
   */
  constructor(private readonly rawChunks = false) {}

  private readonly hdlc = new HdlcAssembler();
  private readonly mbus = new MbusAssembler();
  private stray = 0;

  /** Bytes held back waiting for the rest of a frame. */
  get pending(): number {
    return this.buf.length;
  }

  push(chunk: Buffer): StreamItem[] {
    if (this.rawChunks && this.buf.length === 0 && RAW_TAGS.has(chunk[0]))
      return [{ kind: 'apdu', carrier: 'raw', apdu: Buffer.from(chunk) }];
    this.buf = this.buf.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.buf, chunk]);
    const out: StreamItem[] = [];
    while (this.buf.length > 0) {
      let step: Step;
      try {
        step = this.step();
      } catch (err) {
        if (!(err instanceof DlmsFrameError || err instanceof DlmsDecodeError)) throw err;
        this.flushStray(out);
        out.push({ kind: 'error', error: err instanceof DlmsFrameError ? err : new DlmsFrameError(err.message) });
        step = { size: 1 };
      }
      if (step === null) break;
      if (step.item) {
        this.flushStray(out);
        out.push(step.item);
      }
      this.buf = this.buf.subarray(step.size);
    }
    this.flushStray(out);
    return out;
  }

  /** Forget partial frames (after a silence: a push meter sends each telegram in one burst). */
  reset(): void {
    this.buf = Buffer.alloc(0);
    this.hdlc.reset();
    this.mbus.reset();
  }

  private flushStray(out: StreamItem[]): void {
    if (this.stray === 0) return;
    out.push({ kind: 'error', error: new DlmsFrameError(`${this.stray} byte(s) outside any frame`) });
    this.stray = 0;
  }

  private step(): Step {
    const b = this.buf;
    switch (b[0]) {
      case 0x7e: {
        if (b.length >= 2 && b[1] === 0x7e) return { size: 1 };
        const r = decodeHdlc(b);
        if (!r) return null;
        const apdu = this.hdlc.push(r.frame);
        return { size: r.size, item: apdu ? { kind: 'apdu', carrier: 'hdlc', apdu } : undefined };
      }
      case 0x68: {
        const r = decodeMbus(b);
        if (!r) return null;
        const apdu = this.mbus.push(r.frame);
        return { size: r.size, item: apdu ? { kind: 'apdu', carrier: 'mbus', apdu } : undefined };
      }
      case 0x00: {
        const r = decodeWrapper(b);
        if (!r) return null;
        const address = ivyHeartbeatAddress(r.frame.apdu);
        return {
          size: r.size,
          item: address !== null ? { kind: 'heartbeat', address } : { kind: 'apdu', carrier: 'wrapper', apdu: r.frame.apdu },
        };
      }
      case 0xdb: {
        const size = rawGloSize(b);
        if (size === null) return null;
        return { size, item: { kind: 'apdu', carrier: 'raw', apdu: Buffer.from(b.subarray(0, size)) } };
      }
      default:
        this.stray++;
        return { size: 1 };
    }
  }
}

/** Total size of a general-glo-ciphering APDU at `b[0]`, or null when its header is incomplete. */
function rawGloSize(b: Buffer): number | null {
  if (b.length < 2) return null;
  if (b[1] !== 0x08) throw new DlmsFrameError('raw general-glo-ciphering APDU without an 8-byte system title');
  const c = new Cursor(b, 'general-glo-ciphering');
  try {
    c.bytes(10);
    const len = c.length();
    if (len > 0xffff) throw new DlmsFrameError(`raw general-glo-ciphering APDU claims ${len} bytes`);
    return c.pos + len <= b.length ? c.pos + len : null;
  } catch (err) {
    if (err instanceof DlmsDecodeError && /truncated/.test(err.message)) return null;
    throw err;
  }
}
