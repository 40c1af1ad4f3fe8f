/**
 * Hostile byte streams (issue 14): runs of every frame-start byte and of crafted frame
 * headers must cost linear work (counted, not timed), bounded buffering and one error item
 * per run of rejected bytes, and a real telegram after the garbage must still come out.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ApduStream, type StreamItem } from '../../../server/protocols/dlms/apduStream.ts';
import { readData } from '../../../server/protocols/dlms/axdr.ts';
import { Cursor } from '../../../server/protocols/dlms/cursor.ts';
import { DlmsDecodeError } from '../../../server/protocols/dlms/errors.ts';
import { encodeHdlc, hdlcAddress } from '../../../server/protocols/dlms/hdlc.ts';
import { encodeMbus, segmentMbus } from '../../../server/protocols/dlms/mbus.ts';
import { encodeWrapper, WRAPPER_MAX_FRAME } from '../../../server/protocols/dlms/wrapper.ts';
import { fixtureHex, hex } from './fixtures.ts';

const AIDON = hex(
  '7E A0 2A 41 08 83 13 04 13 E6 E7 00 0F 40 00 00 00 00 01 01 02 03 09 06 01 00 01 07 00 FF 06 00 00 06 7D 02 02 0F 00 16 1B 1C 05 7E',
);
const PATTERNS = {
  zeros: hex('00'),
  mbusStarts: hex('68'),
  flags: hex('7E'),
  gloTags: hex('DB'),
  hdlcHeaders: hex('7E A0'),
  gloHeaders: hex('DB 08'),
  wrapperHeaders: hex('00 01 00 01'),
  mbusHeaders: hex('68 FF FF 68'),
  hdlcLongHeaders: hex('7E A7 FF 41'),
};
/** Telegrams with the APDU each must yield. */
const TELEGRAMS: { name: string; wire: Buffer; apdu: Buffer }[] = [
  { name: 'HDLC (Aidon)', wire: AIDON, apdu: AIDON.subarray(12, 41) },
  { name: 'wrapper', wire: encodeWrapper(1, 16, hex('0F 00 00 00 01 00 09 03 41 42 43')), apdu: hex('0F 00 00 00 01 00 09 03 41 42 43') },
  { name: 'M-Bus (TINETZ)', wire: fixtureHex('tinetz-ma309-mbus.hex'), apdu: Buffer.alloc(0) },
  { name: 'raw glo (Smarty)', wire: fixtureHex('smarty-t210d-raw.hex'), apdu: fixtureHex('smarty-t210d-raw.hex') },
];
/** Idle-line bytes between garbage and telegram: no frame starts with 0xFF. */
const GAP = Buffer.alloc(16, 0xff);

function run(pattern: Buffer, bytes: number): Buffer {
  const b = Buffer.alloc(bytes);
  for (let i = 0; i < bytes; i++) b[i] = pattern[i % pattern.length]!;
  return b;
}

function feed(stream: ApduStream, wire: Buffer, chunk: number): { items: StreamItem[]; pushes: number; maxPending: number } {
  const items: StreamItem[] = [];
  let pushes = 0;
  let maxPending = 0;
  for (let off = 0; off < wire.length; off += chunk, pushes++) {
    items.push(...stream.push(wire.subarray(off, off + chunk)));
    maxPending = Math.max(maxPending, stream.pending);
  }
  return { items, pushes, maxPending };
}

describe('APDU stream on hostile input', () => {
  it('does linear work with one error item per rejected run, and still finds the telegram after it', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.keys(PATTERNS)),
        fc.integer({ min: 1, max: 40_000 }),
        fc.constantFrom(...TELEGRAMS),
        fc.integer({ min: 1, max: 4096 }),
        (pattern, length, telegram, chunk) => {
          const garbage = run(PATTERNS[pattern as keyof typeof PATTERNS], length);
          const wire = Buffer.concat([garbage, GAP, telegram.wire, garbage, GAP, telegram.wire]);
          const stream = new ApduStream();
          const { items, pushes, maxPending } = feed(stream, wire, chunk);
          // End of the burst: a candidate still waiting for its claimed length is given up.
          items.push(...stream.flush());
          expect(stream.work.steps + stream.work.checked).toBeLessThanOrEqual(6 * wire.length + 64);
          expect(maxPending).toBeLessThanOrEqual(WRAPPER_MAX_FRAME);
          const apdus = items.filter((i) => i.kind === 'apdu');
          const errors = items.filter((i) => i.kind === 'error');
          // `00 01 00 01 …` is valid wrapper framing (one-byte APDUs), so only there do the garbage bytes yield items.
          if (pattern !== 'wrapperHeaders') expect(errors.length).toBeLessThanOrEqual(2 * pushes + 8);
          const found = apdus.filter((a) => a.kind === 'apdu' && (telegram.apdu.length === 0 || a.apdu.equals(telegram.apdu)));
          // A wrapper header has no checksum: in a run of `00 01` a header can claim up to 256
          // bytes (`01 00`) and validly swallow both telegrams, so only the work is bounded there.
          expect(found.length).toBeGreaterThanOrEqual(pattern === 'wrapperHeaders' ? 0 : 2);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('turns a megabyte of zeros into a handful of error items in one pass', () => {
    const stream = new ApduStream();
    const { items } = feed(stream, Buffer.alloc(1 << 20), 65_536);
    expect(items.length).toBeLessThanOrEqual(16);
    expect(items.every((i) => i.kind === 'error' && /byte\(s\) dropped outside any frame/.test(i.error.message))).toBe(true);
    expect(stream.work.steps).toBeLessThanOrEqual(2 * (1 << 20) + 16);
  });

  it('names the damage when a frame fails its check sequence, and reads the next frame', () => {
    const bad = Buffer.from(AIDON);
    bad[20]! ^= 0x10;
    const items = new ApduStream().push(Buffer.concat([bad, AIDON]));
    expect(items[0]).toMatchObject({ kind: 'error', error: { message: '43 byte(s) dropped: HDLC frame check sequence (FCS) mismatch' } });
    expect(items.slice(1)).toEqual([{ kind: 'apdu', carrier: 'hdlc', apdu: AIDON.subarray(12, 41) }]);
  });

  it('holds back no more than the largest frame while a claimed length is pending', () => {
    const stream = new ApduStream();
    const { maxPending } = feed(stream, run(hex('00 01 00 01 00 01 FF FF'), 300_000), 1000);
    expect(maxPending).toBeLessThanOrEqual(WRAPPER_MAX_FRAME);
  });

  it('caps HDLC reassembly when the last segment never comes', () => {
    const segment = encodeHdlc({
      segmented: true,
      destination: hdlcAddress(16),
      source: hdlcAddress(1),
      control: 0x13,
      info: Buffer.alloc(500, 1),
    });
    const stream = new ApduStream();
    // 132 segments of 500 bytes pass 65536 bytes.
    const items = feed(stream, run(segment, segment.length * 132), segment.length * 10).items;
    expect(items.filter((i) => i.kind === 'error').map((i) => i.kind === 'error' && i.error.message)).toContainEqual(
      expect.stringMatching(/HDLC segmented APDU exceeds 1024 segments or 65536 bytes/),
    );
    // After the cap the stream starts over and still reads a whole telegram.
    expect(stream.push(AIDON)).toContainEqual({ kind: 'apdu', carrier: 'hdlc', apdu: AIDON.subarray(12, 41) });
  });

  it('caps M-Bus reassembly when the sequence counter just wraps', () => {
    const frames = Array.from({ length: 16 }, (_, seq) =>
      encodeMbus({ control: 0x53, address: 0xff, ci: seq, stsap: 1, dtsap: 0x67, data: Buffer.alloc(250, 2) }),
    );
    const items = new ApduStream().push(Buffer.concat(Array.from({ length: 20 }, () => Buffer.concat(frames))));
    expect(items.some((i) => i.kind === 'error' && /M-Bus segmented APDU exceeds/.test(i.error.message))).toBe(true);
    expect(new ApduStream().push(Buffer.concat(segmentMbus(Buffer.alloc(600, 7))))).toHaveLength(1);
  });
});

describe('A-XDR data on hostile input', () => {
  const header = fc.constantFrom(hex('01 7F'), hex('02 7F'), hex('01 84 FF FF FF FF'), hex('02 82 FF FF'), hex('01 81 FF'), hex('02 01'));
  it('rejects nesting and element counts the bytes cannot hold, in reads linear in the input', () => {
    fc.assert(
      fc.property(fc.array(header, { minLength: 1, maxLength: 400 }), fc.uint8Array({ maxLength: 200 }), (heads, tail) => {
        const buf = Buffer.concat([...heads, Buffer.from(tail)]);
        const c = new Cursor(buf, 'A-XDR data');
        try {
          readData(c);
        } catch (err) {
          expect(err).toBeInstanceOf(DlmsDecodeError);
        }
        expect(c.reads).toBeLessThanOrEqual(2 * buf.length + 2);
      }),
      { numRuns: 500 },
    );
  });
});
