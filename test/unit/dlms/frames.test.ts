/** HDLC, wrapper, M-Bus, IVY and APDU encodings against the verified examples of protocols/dlms-cosem.md. */
import { describe, expect, it } from 'vitest';
import { decodeApdu, encodeAarq, encodeGetRequest, encodeGetRequestNext } from '../../../server/protocols/dlms/apdu.ts';
import { ApduStream } from '../../../server/protocols/dlms/apduStream.ts';
import { crc16x25 } from '../../../server/protocols/dlms/crc.ts';
import { decodeDateTime, encodeDateTime, formatDateTime } from '../../../server/protocols/dlms/datetime.ts';
import { decodeHdlc, encodeHdlc, hdlcAddress, HdlcAssembler } from '../../../server/protocols/dlms/hdlc.ts';
import { decodeMbus, MbusAssembler, segmentMbus } from '../../../server/protocols/dlms/mbus.ts';
import { normaliseObis, parseObis } from '../../../server/protocols/dlms/obis.ts';
import { decodeTelegram } from '../../../server/protocols/dlms/telegram.ts';
import { unitName } from '../../../server/protocols/dlms/units.ts';
import { decodeWrapper, encodeWrapper } from '../../../server/protocols/dlms/wrapper.ts';
import { DlmsFrameError, DlmsUnsupportedError } from '../../../server/protocols/dlms/errors.ts';
import { hex } from './fixtures.ts';

const AIDON = hex(
  '7E A0 2A 41 08 83 13 04 13 E6 E7 00 0F 40 00 00 00 00 01 01 02 03 09 06 01 00 01 07 00 FF 06 00 00 06 7D 02 02 0F 00 16 1B 1C 05 7E',
);

describe('CRC-16/X.25', () => {
  it('has the check value 0x906E', () => {
    expect(crc16x25(Buffer.from('123456789'))).toBe(0x906e);
  });
});

describe('HDLC', () => {
  it('decodes the unencrypted Aidon push field by field (§8.5)', () => {
    const r = decodeHdlc(AIDON);
    expect(r).not.toBeNull();
    const f = r!.frame;
    expect(r!.size).toBe(43);
    expect(f.segmented).toBe(false);
    expect(f.destination).toEqual(hex('41'));
    expect(f.source).toEqual(hex('08 83'));
    expect(f.control).toBe(0x13);
    expect(f.info.subarray(0, 3)).toEqual(hex('E6 E7 00'));
    const apdu = new HdlcAssembler().push(f)!;
    const notification = decodeApdu(apdu);
    expect(notification).toMatchObject({ type: 'data-notification', invokeId: 0x40000000, dateTime: null });
    if (notification.type !== 'data-notification') throw new Error();
    expect(notification.body).toEqual({
      type: 'array',
      items: [
        {
          type: 'structure',
          items: [
            { type: 'octet-string', value: hex('01 00 01 07 00 FF') },
            { type: 'double-long-unsigned', value: 1661 },
            {
              type: 'structure',
              items: [
                { type: 'integer', value: 0 },
                { type: 'enum', value: 27 },
              ],
            },
          ],
        },
      ],
    });
    expect(decodeTelegram(apdu, () => undefined).readings).toEqual([
      { obis: '1-0:1.7.0.255', value: 1661, unit: 'W', scaler: 0, raw: '060000067d' },
    ]);
  });

  it('re-encodes the Aidon frame byte for byte', () => {
    const f = decodeHdlc(AIDON)!.frame;
    expect(encodeHdlc(f)).toEqual(AIDON);
  });

  it('verifies the SNRM, AARQ and AARE frames (§3)', () => {
    const snrm = hex('7E A0 07 03 21 93 0F 01 7E');
    expect(decodeHdlc(snrm)!.frame).toMatchObject({ control: 0x93, info: Buffer.alloc(0), destination: hex('03'), source: hex('21') });
    expect(
      encodeHdlc({ segmented: false, destination: hdlcAddress(1), source: hdlcAddress(16), control: 0x93, info: Buffer.alloc(0) }),
    ).toEqual(snrm);
    const aarq = decodeHdlc(
      hex(
        '7E A0 2C 02 23 21 10 AF 9F E6 E6 00 60 1D A1 09 06 07 60 85 74 05 08 01 01 BE 10 04 0E 01 00 00 00 06 5F 1F 04 00 00 1E 1D FF FF C5 E4 7E',
      ),
    )!.frame;
    expect(aarq.destination).toEqual(hdlcAddress(1 * 128 + 17, 2));
    expect(decodeApdu(new HdlcAssembler().push(aarq)!)).toMatchObject({
      type: 'aarq',
      applicationContext: 1,
      mechanism: null,
      initiate: { dlmsVersion: 6, conformance: 0x001e1d, maxPdu: 0xffff },
    });
    const aare = decodeHdlc(
      hex(
        '7E A0 38 21 02 23 30 34 E7 E6 E7 00 61 29 A1 09 06 07 60 85 74 05 08 01 01 A2 03 02 01 00 A3 05 A1 03 02 01 00 BE 10 04 0E 08 00 06 5F 1F 04 00 00 1E 1D 04 C8 00 07 B8 6A 7E',
      ),
    )!.frame;
    expect(decodeApdu(new HdlcAssembler().push(aare)!)).toMatchObject({
      type: 'aare',
      applicationContext: 1,
      result: 0,
      diagnostic: 0,
      initiate: { dlmsVersion: 6, conformance: 0x001e1d, maxPdu: 1224 },
    });
  });

  it('verifies the Landis+Gyr E450 general-block-transfer frame header (§3)', () => {
    const head = hex('7E A0 8B CE FF 03 13 EE E1');
    const r = (() => {
      try {
        return decodeHdlc(head);
      } catch (e) {
        return e;
      }
    })();
    expect(r).toBeNull(); // incomplete: waits for the rest
    expect(crc16x25(hex('A0 8B CE FF 03 13'))).toBe(0xe1ee);
  });

  it('reassembles segmented frames, LLC stripped once', () => {
    const apdu = Buffer.from(Array.from({ length: 300 }, (_, i) => i & 0xff));
    const info = Buffer.concat([hex('E6 E7 00'), apdu]);
    const frames = [info.subarray(0, 120), info.subarray(120, 240), info.subarray(240)].map((part, i, all) =>
      encodeHdlc({
        segmented: i < all.length - 1,
        destination: hdlcAddress(16),
        source: hdlcAddress(1),
        control: 0x13,
        info: Buffer.from(part),
      }),
    );
    const items = new ApduStream().push(Buffer.concat(frames));
    expect(items).toEqual([{ kind: 'apdu', carrier: 'hdlc', apdu }]);
  });

  it('a flipped bit is a DlmsFrameError (FCS), and parsing resyncs to the next frame', () => {
    const bad = Buffer.from(AIDON);
    bad[20]! ^= 0x10;
    expect(() => decodeHdlc(bad)).toThrow(DlmsFrameError);
    const items = new ApduStream().push(Buffer.concat([bad, AIDON]));
    expect(items.filter((i) => i.kind === 'apdu')).toHaveLength(1);
    expect(items[0]).toMatchObject({ kind: 'error' });
  });

  it('frames sharing one flag are both read', () => {
    const shared = Buffer.concat([AIDON, AIDON.subarray(1)]);
    expect(new ApduStream().push(shared).filter((i) => i.kind === 'apdu')).toHaveLength(2);
  });
});

describe('M-Bus', () => {
  it('segments and reassembles; a lost segment is reported', () => {
    const apdu = Buffer.alloc(600, 7);
    const frames = segmentMbus(apdu);
    expect(frames.map((f) => f[6])).toEqual([0x00, 0x01, 0x12]);
    expect(new ApduStream().push(Buffer.concat(frames))).toEqual([{ kind: 'apdu', carrier: 'mbus', apdu }]);
    const asm = new MbusAssembler();
    asm.push(decodeMbus(frames[0]!)!.frame);
    expect(() => asm.push(decodeMbus(frames[2]!)!.frame)).toThrow(/segment 2 arrived where segment 1/);
  });

  it('a single segment uses CI 0x10', () => {
    expect(segmentMbus(Buffer.alloc(10))[0]![6]).toBe(0x10);
  });

  it('a wrong checksum is a DlmsFrameError', () => {
    const f = segmentMbus(Buffer.alloc(10, 1))[0];
    f![10]! ^= 1;
    expect(() => decodeMbus(f!)).toThrow(/checksum/);
  });
});

describe('wrapper and IVY', () => {
  it('encodes the clock read example (§2)', () => {
    const apdu = encodeGetRequest(0xc1, 8, '0-0:1.0.0.255', 2);
    expect(encodeWrapper(16, 1, apdu)).toEqual(hex('00 01 00 10 00 01 00 0D C0 01 C1 00 08 00 00 01 00 00 FF 02 00'));
    expect(decodeWrapper(encodeWrapper(16, 1, apdu))?.frame).toEqual({ source: 16, destination: 1, apdu });
    expect(decodeWrapper(encodeWrapper(16, 1, apdu).subarray(0, 12))).toBeNull();
  });

  it('recognises the IVY heartbeat and then wrapped APDUs on the same stream', () => {
    const heartbeat = Buffer.concat([hex('00 01 00 01 00 01 00 12 0A 02 0C'), Buffer.from('000000000001'), hex('0D 12 34')]);
    const push = encodeWrapper(1, 1, AIDON.subarray(12, AIDON.length - 3));
    const items = new ApduStream().push(Buffer.concat([heartbeat, push]));
    expect(items[0]).toEqual({ kind: 'heartbeat', address: '000000000001' });
    expect(items[1]).toMatchObject({ kind: 'apdu', carrier: 'wrapper' });
  });
});

describe('GET, AARQ and unit examples (§6)', () => {
  it('encodes the GET requests and decodes the responses', () => {
    expect(encodeGetRequest(0xc1, 3, '1-0:1.8.0.255', 2)).toEqual(hex('C0 01 C1 00 03 01 00 01 08 00 FF 02 00'));
    expect(encodeGetRequestNext(0xc1, 1)).toEqual(hex('C0 02 C1 00 00 00 01'));
    expect(decodeApdu(hex('C4 01 C1 00 06 00 00 23 94'))).toEqual({
      type: 'get-response',
      invokeIdAndPriority: 0xc1,
      result: { ok: true, data: { type: 'double-long-unsigned', value: 9108 } },
    });
    expect(decodeApdu(hex('C4 01 C1 00 02 02 0F 00 16 1E'))).toMatchObject({ result: { ok: true, data: { type: 'structure' } } });
    expect(decodeApdu(hex('C4 01 C1 01 04'))).toEqual({ type: 'get-response', invokeIdAndPriority: 0xc1, result: { ok: false, error: 4 } });
    expect(decodeApdu(hex('C4 02 C1 01 00 00 00 01 00 03 01 02 03'))).toEqual({
      type: 'get-response-block',
      invokeIdAndPriority: 0xc1,
      last: true,
      block: 1,
      result: { ok: true, raw: hex('01 02 03') },
    });
  });

  it('encodes the common AARQ exactly and an LLS AARQ that carries the password', () => {
    expect(encodeAarq({ maxPdu: 0x04b0 })).toEqual(
      hex('60 1D A1 09 06 07 60 85 74 05 08 01 01 BE 10 04 0E 01 00 00 00 06 5F 1F 04 00 00 7E 1F 04 B0'),
    );
    const lls = decodeApdu(encodeAarq({ password: Buffer.from('12345678') }));
    expect(lls).toMatchObject({ type: 'aarq', mechanism: 1, password: Buffer.from('12345678'), initiate: { conformance: 0x007e1f } });
  });

  it('decodes an event-notification with and without its optional time', () => {
    const withoutTime = decodeApdu(hex('C2 00 00 03 01 00 01 07 00 FF 02 06 00 00 00 76'));
    expect(withoutTime).toMatchObject({
      type: 'event-notification',
      dateTime: null,
      classId: 3,
      obis: '1-0:1.7.0.255',
      attribute: 2,
      value: { value: 118 },
    });
    const withTime = decodeApdu(hex('C2 01 0C 07 EA 01 1E 05 04 22 13 00 80 00 FF 00 03 01 00 01 07 00 FF 02 06 00 00 00 76'));
    expect(withTime).toMatchObject({
      type: 'event-notification',
      dateTime: { year: 2026, month: 1, day: 30, deviation: null, timestamp: null },
    });
  });

  it('maps units and OBIS text forms', () => {
    expect([27, 28, 29, 30, 32, 33, 35, 44, 255].map(unitName)).toEqual(['W', 'VA', 'var', 'Wh', 'varh', 'A', 'V', 'Hz', undefined]);
    expect(normaliseObis('1-0:1.8.0')).toBe('1-0:1.8.0.255');
    expect(parseObis('1-0:1.8.0*255')).toEqual(hex('01 00 01 08 00 FF'));
    expect(() => parseObis('1.8.0')).toThrow(/not an OBIS code/);
  });

  it('decodes the IVY scan clock and the Norwegian 09 0C date-time form', () => {
    const dt = decodeDateTime(hex('07 ea 01 1e 05 04 22 13 00 80 00 ff'));
    expect(dt).toMatchObject({
      year: 2026,
      month: 1,
      day: 30,
      dayOfWeek: 5,
      hour: 4,
      minute: 34,
      second: 19,
      deviation: null,
      status: 0xff,
      timestamp: null,
    });
    expect(formatDateTime(dt)).toBe('2026-01-30T04:34:19');
    expect(encodeDateTime(dt)).toEqual(hex('07 ea 01 1e 05 04 22 13 00 80 00 ff'));
    const n = decodeApdu(hex('0F 40 00 00 00 09 0C 07 E5 07 13 01 0F 2E 23 FF 00 00 00 01 00'));
    expect(n).toMatchObject({
      type: 'data-notification',
      dateTime: { year: 2021, deviation: 0, timestamp: Date.UTC(2021, 6, 19, 15, 46, 35) },
    });
  });
});

describe('unframed APDUs on TCP (IVY EM114070)', () => {
  it('takes a chunk starting with a notification tag as one APDU only when asked to', () => {
    const event = hex('C2 00 00 03 01 00 01 07 00 FF 02 06 00 00 00 76');
    expect(new ApduStream(true).push(event)).toEqual([{ kind: 'apdu', carrier: 'raw', apdu: event }]);
    expect(new ApduStream().push(event).every((i) => i.kind === 'error')).toBe(true);
    expect(decodeTelegram(event, () => undefined).readings).toEqual([{ obis: '1-0:1.7.0.255', value: 118, raw: '0600000076' }]);
  });
});

describe('general-block-transfer (Landis+Gyr E450)', () => {
  it('is reported as unsupported, not as corrupt', () => {
    expect(() => decodeTelegram(hex('E0 40 00 01 00 00 77 DB 08 4C 47 5A 67 73 7C 7E E0'), () => undefined)).toThrow(DlmsUnsupportedError);
  });
});
