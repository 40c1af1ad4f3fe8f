/** fast-check: round trips, and random or mutated input only ever raises typed DlmsErrors. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeApdu } from '../../../server/protocols/dlms/apdu.ts';
import { ApduStream } from '../../../server/protocols/dlms/apduStream.ts';
import { decodeData, encodeData, type DlmsData } from '../../../server/protocols/dlms/axdr.ts';
import { DlmsError } from '../../../server/protocols/dlms/errors.ts';
import { decodeHdlc, encodeHdlc, hdlcAddress } from '../../../server/protocols/dlms/hdlc.ts';
import { segmentMbus } from '../../../server/protocols/dlms/mbus.ts';
import { encryptPayload, decryptPayload } from '../../../server/protocols/dlms/security.ts';
import { decodeTelegram } from '../../../server/protocols/dlms/telegram.ts';
import { encodeWrapper } from '../../../server/protocols/dlms/wrapper.ts';
import { fixtureHex, hex, KEYS } from './fixtures.ts';

const bytes = (max = 64) => fc.uint8Array({ maxLength: max }).map((a) => Buffer.from(a));

const leaf: fc.Arbitrary<DlmsData> = fc.oneof(
  fc.constant<DlmsData>({ type: 'null-data' }),
  fc.boolean().map((value): DlmsData => ({ type: 'boolean', value })),
  fc.integer({ min: -128, max: 127 }).map((value): DlmsData => ({ type: 'integer', value })),
  fc.integer({ min: -32768, max: 32767 }).map((value): DlmsData => ({ type: 'long', value })),
  fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }).map((value): DlmsData => ({ type: 'double-long', value })),
  fc.integer({ min: 0, max: 2 ** 32 - 1 }).map((value): DlmsData => ({ type: 'double-long-unsigned', value })),
  fc.integer({ min: 0, max: 65535 }).map((value): DlmsData => ({ type: 'long-unsigned', value })),
  fc.integer({ min: 0, max: 255 }).map((value): DlmsData => ({ type: 'enum', value })),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((value): DlmsData => ({ type: 'long64', value })),
  fc.double({ noNaN: true }).map((value): DlmsData => ({ type: 'float64', value })),
  bytes(300).map((value): DlmsData => ({ type: 'octet-string', value })),
  fc.string({ unit: 'grapheme-ascii', maxLength: 40 }).map((value): DlmsData => ({ type: 'visible-string', value })),
  fc
    .uint8Array({ minLength: 12, maxLength: 12 })
    .map((a) => Buffer.from(a))
    .map((value): DlmsData => ({ type: 'date-time', value })),
);
const data: fc.Arbitrary<DlmsData> = fc.letrec<{ d: DlmsData }>((tie) => ({
  d: fc.oneof(
    { maxDepth: 3, withCrossShrink: true },
    leaf,
    fc.array(tie('d'), { maxLength: 5 }).map((items): DlmsData => ({ type: 'structure', items })),
    fc.array(tie('d'), { maxLength: 5 }).map((items): DlmsData => ({ type: 'array', items })),
  ),
})).d;

function onlyTyped(fn: () => unknown): void {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof DlmsError)) throw err;
  }
}

const REAL = [
  fixtureHex('tinetz-ma309-mbus.hex'),
  fixtureHex('evn-ma309m-mbus.hex'),
  fixtureHex('smarty-t210d-raw.hex'),
  hex(
    '7E A0 2A 41 08 83 13 04 13 E6 E7 00 0F 40 00 00 00 00 01 01 02 03 09 06 01 00 01 07 00 FF 06 00 00 06 7D 02 02 0F 00 16 1B 1C 05 7E',
  ),
];
const anyKeys = () => ({ ...KEYS.smarty });

describe('property tests', () => {
  it('A-XDR data round-trips', () => {
    fc.assert(
      fc.property(data, (d) => {
        expect(decodeData(encodeData(d))).toEqual(d);
      }),
      { numRuns: 300 },
    );
  });

  it('HDLC, M-Bus and wrapper framing round-trip through the stream', () => {
    fc.assert(
      fc.property(
        bytes(1500).filter((b) => b.length > 0),
        fc.integer({ min: 0, max: 2 }),
        (apdu, carrier) => {
          let wire: Buffer;
          if (carrier === 0) {
            const info = Buffer.concat([hex('E6 E7 00'), apdu]);
            const parts: Buffer[] = [];
            for (let off = 0; off < info.length; off += 200) parts.push(info.subarray(off, off + 200));
            wire = Buffer.concat(
              parts.map((p, i) =>
                encodeHdlc({
                  segmented: i < parts.length - 1,
                  destination: hdlcAddress(16),
                  source: hdlcAddress(1),
                  control: 0x13,
                  info: Buffer.from(p),
                }),
              ),
            );
          } else if (carrier === 1) {
            wire = Buffer.concat(segmentMbus(apdu));
          } else {
            wire = encodeWrapper(1, 16, apdu);
          }
          const stream = new ApduStream();
          const items = [];
          // Deliver in two chunks to exercise partial frames.
          const cut = Math.floor(wire.length / 2);
          items.push(...stream.push(wire.subarray(0, cut)), ...stream.push(wire.subarray(cut)));
          const apdus = items.filter((i) => i.kind === 'apdu');
          expect(apdus).toHaveLength(1);
          expect(apdus[0]).toMatchObject({ apdu });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('HDLC frame fields round-trip', () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.integer({ min: 0, max: 127 }),
        fc.integer({ min: 0, max: 16383 }),
        fc.integer({ min: 0, max: 255 }),
        bytes(500),
        (seg, d, s, control, info) => {
          const f = { segmented: seg, destination: hdlcAddress(d), source: hdlcAddress(s, 2), control, info };
          expect(decodeHdlc(encodeHdlc(f))?.frame).toEqual(f);
        },
      ),
    );
  });

  it('encryption round-trips for every security control', () => {
    fc.assert(
      fc.property(bytes(200), fc.constantFrom(0x10, 0x20, 0x21, 0x30), fc.integer({ min: 0, max: 2 ** 32 - 1 }), (plain, sc, fcnt) => {
        const p = { systemTitle: hex('4B464D1010000023'), securityControl: sc, frameCounter: fcnt };
        expect(decryptPayload(p, encryptPayload(p, plain, KEYS.greenBook), KEYS.greenBook)).toEqual(plain);
      }),
    );
  });

  it('random bytes never throw anything but a DlmsError', () => {
    fc.assert(
      fc.property(bytes(400), (b) => {
        onlyTyped(() => decodeApdu(b));
        onlyTyped(() => decodeTelegram(b, anyKeys));
        onlyTyped(() => decodeData(b));
        onlyTyped(() => new ApduStream().push(b));
      }),
      { numRuns: 2000 },
    );
  });

  it('random bytes behind a valid APDU tag never throw anything but a DlmsError', () => {
    fc.assert(
      fc.property(fc.constantFrom(0x0f, 0xc2, 0xc4, 0xc0, 0x61, 0x60, 0xdb, 0xc8, 0xd8), bytes(200), (tag, b) => {
        onlyTyped(() => decodeTelegram(Buffer.concat([Buffer.from([tag]), b]), anyKeys));
        onlyTyped(() => decodeApdu(Buffer.concat([Buffer.from([tag]), b])));
      }),
      { numRuns: 2000 },
    );
  });

  it('mutated real frames never throw anything but a DlmsError', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...REAL),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
        fc.nat(),
        (frame, edits, cut) => {
          const m = Buffer.from(frame);
          for (const [at, v] of edits) m[at % m.length] = v;
          const chunk = m.subarray(0, m.length - (cut % 8));
          const items = new ApduStream().push(chunk);
          for (const item of items) {
            if (item.kind === 'apdu') onlyTyped(() => decodeTelegram(item.apdu, () => KEYS.tinetz));
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
