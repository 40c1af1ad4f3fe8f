/** Vectors from shared/protocols/studer-scom.md §2.2 and §7 (official, captured and constructed frames). */
import { describe, expect, it } from 'vitest';
import {
  FrameReader,
  ObjectType,
  PropertyId,
  ScomErrorCode,
  ServiceId,
  answers,
  decodeFrame,
  decodeFrameFlags,
  decodeGuid,
  decodeMessage,
  decodeResponse,
  decodeValue,
  describeScomError,
  encodeReadRequest,
  encodeReadRequestWithData,
  encodeValue,
  encodeWriteRequest,
  messageText,
  scomChecksum,
  softwareVersion,
  combineWords,
  type ScomResponse,
} from '../../../server/protocols/scom/index.ts';

const hex = (s: string) =>
  Uint8Array.from(
    s
      .trim()
      .split(/\s+/)
      .map((b) => parseInt(b, 16)),
  );
const toHex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0').toUpperCase()).join(' ');

function response(frameHex: string): ScomResponse {
  const frame = decodeFrame(hex(frameHex));
  if (!frame.ok) throw new Error(frame.error);
  const res = decodeResponse(frame.value);
  if (!res.ok) throw new Error(res.error);
  return res.value;
}

describe('checksum', () => {
  it('matches the spec check values', () => {
    expect(scomChecksum(hex('00 01 00 00 00 65 00 00 00 0A 00'))).toEqual([0x6f, 0x71]);
    expect(scomChecksum(hex('00 01 01 00 B8 0B 00 00 01 00'))).toEqual([0xc5, 0x90]);
  });
});

describe('official frames', () => {
  it('7.1 read user info 3000 from 101', () => {
    const req = encodeReadRequest({ address: 101, objectType: ObjectType.USER_INFO, objectId: 3000, propertyId: PropertyId.INFO_VALUE });
    expect(toHex(req)).toBe('AA 00 01 00 00 00 65 00 00 00 0A 00 6F 71 00 01 01 00 B8 0B 00 00 01 00 C5 90');
    const res = response('AA 34 65 00 00 00 01 00 00 00 0E 00 A7 45 02 01 01 00 B8 0B 00 00 01 00 00 C0 45 41 0D CB');
    expect(res.kind).toBe('value');
    expect(res.frame.src).toBe(101);
    expect(res.frame.dst).toBe(1);
    expect(decodeFrameFlags(res.frame.flags)).toEqual({
      messagePending: false,
      restarted: false,
      sdCardPresent: true,
      sdCardFull: false,
      newDatalogFile: true,
      datalogSupported: true,
    });
    if (res.kind !== 'value') return;
    expect(decodeValue('float', res.data)).toEqual({ ok: true, value: 12.359375 });
    expect(answers(res, ServiceId.READ, { address: 101, objectType: 1, objectId: 3000, propertyId: 1 })).toBe(true);
    expect(answers(res, ServiceId.READ, { address: 102, objectType: 1, objectId: 3000, propertyId: 1 })).toBe(false);
  });

  it('7.2 read parameter 1138 value_qsp', () => {
    const req = encodeReadRequest({ address: 101, objectType: ObjectType.PARAMETER, objectId: 1138, propertyId: PropertyId.VALUE_QSP });
    expect(toHex(req)).toBe('AA 00 01 00 00 00 65 00 00 00 0A 00 6F 71 00 01 02 00 72 04 00 00 05 00 7D D9');
    const res = response('AA 34 65 00 00 00 01 00 00 00 0E 00 A7 45 02 01 02 00 72 04 00 00 05 00 00 00 70 42 31 0B');
    expect(res.kind === 'value' && decodeValue('float', res.data)).toEqual({ ok: true, value: 60 });
  });

  it('7.3 write parameter 1138 = 12.0 to flash', () => {
    const req = encodeWriteRequest(
      { address: 101, objectType: ObjectType.PARAMETER, objectId: 1138, propertyId: PropertyId.VALUE_QSP },
      encodeValue('float', 12),
    );
    expect(toHex(req)).toBe('AA 00 01 00 00 00 65 00 00 00 0E 00 73 79 00 02 02 00 72 04 00 00 05 00 00 00 40 41 FF 9B');
    const res = response('AA 34 65 00 00 00 01 00 00 00 0A 00 A3 3D 02 02 02 00 72 04 00 00 05 00 80 F6');
    expect(res.kind).toBe('value');
    expect(res.kind === 'value' && res.data.length).toBe(0);
    expect(answers(res, ServiceId.WRITE, { address: 101, objectType: 2, objectId: 1138, propertyId: 5 })).toBe(true);
  });

  it('7.4 read message 0 from the Xcom-232i', () => {
    const req = encodeReadRequest({ address: 501, objectType: ObjectType.MESSAGE, objectId: 0, propertyId: PropertyId.MESSAGE });
    expect(toHex(req)).toBe('AA 00 01 00 00 00 F5 01 00 00 0A 00 00 D6 00 01 03 00 00 00 00 00 00 00 03 17');
    const res = response(
      'AA 34 F5 01 00 00 01 00 00 00 1C 00 46 0A 02 01 03 00 00 00 00 00 00 00 D0 03 00 00 10 00 69 00 00 00 82 AD 9E 59 00 00 00 00 77 60',
    );
    expect(res.kind === 'value' && decodeMessage(res.data)).toEqual({
      ok: true,
      value: { total: 976, type: 16, source: 105, timestamp: 1503571330 },
    });
    expect(messageText(16)).toBe('Warning: fan error detected');
  });

  it('7.5 read GUID request', () => {
    const req = encodeReadRequest({ address: 501, objectType: ObjectType.GUID, objectId: 0, propertyId: 0 });
    expect(toHex(req)).toBe('AA 00 01 00 00 00 F5 01 00 00 0A 00 00 D6 00 01 04 00 00 00 00 00 00 00 04 1F');
  });

  it('7.6 captured error response: DEVICE_NOT_FOUND with restart flag', () => {
    const res = response('AA 22 65 00 00 00 01 00 00 00 0C 00 93 7B 03 01 01 00 B8 0B 00 00 05 00 02 00 CE 52');
    expect(res.kind).toBe('error');
    if (res.kind !== 'error') return;
    expect(res.code).toBe(ScomErrorCode.DEVICE_NOT_FOUND);
    expect(res.message).toBe('DEVICE_NOT_FOUND (0x0002): no device at the destination address');
    expect(decodeFrameFlags(res.frame.flags).restarted).toBe(true);
    expect(res.service.propertyId).toBe(5);
  });
});

describe('constructed frames', () => {
  const cases: [string, string, string, number][] = [
    [
      'BSP 7002 SoC',
      'AA 00 01 00 00 00 59 02 00 00 0A 00 65 33 00 01 01 00 5A 1B 00 00 01 00 77 AC',
      'AA 00 59 02 00 00 01 00 00 00 0E 00 69 A3 02 01 01 00 5A 1B 00 00 01 00 00 00 AF 42 6A 44',
      87.5,
    ],
    [
      'XT 3137 input power',
      'AA 00 01 00 00 00 65 00 00 00 0A 00 6F 71 00 01 01 00 41 0C 00 00 01 00 4F CB',
      'AA 00 65 00 00 00 01 00 00 00 0E 00 73 09 02 01 01 00 41 0C 00 00 01 00 00 00 A0 3F 30 A2',
      1.25,
    ],
  ];
  it.each(cases)('%s', (_name, reqHex, resHex, value) => {
    const req = decodeFrame(hex(reqHex));
    expect(req.ok).toBe(true);
    const res = response(resHex);
    expect(res.kind === 'value' && decodeValue('float', res.data)).toEqual({ ok: true, value });
    if (!req.ok) return;
    expect(toHex(encodeReadRequest({ address: req.value.dst, objectType: 1, objectId: res.service.objectId, propertyId: 1 }))).toBe(reqHex);
  });

  it('3028 operating state is a 2-byte SHORT_ENUM', () => {
    const res = response('AA 00 65 00 00 00 01 00 00 00 0C 00 71 05 02 01 01 00 D4 0B 00 00 01 00 01 00 E4 14');
    expect(res.kind === 'value' && decodeValue('short_enum', res.data)).toEqual({ ok: true, value: 1 });
    expect(res.kind === 'value' && decodeValue('float', res.data).ok).toBe(false);
  });

  it('read to multicast 100 answers 0x002D', () => {
    const res = response('AA 00 64 00 00 00 01 00 00 00 0C 00 70 FB 03 01 01 00 B8 0B 00 00 01 00 2D 00 F5 98');
    expect(res.kind === 'error' && res.code).toBe(ScomErrorCode.MULTICAST_READ_NOT_SUPPORTED);
  });

  it('RAM write of 1107 = 16 A to all Xtenders', () => {
    const req = encodeWriteRequest(
      { address: 100, objectType: 2, objectId: 1107, propertyId: PropertyId.UNSAVED_VALUE_QSP },
      encodeValue('float', 16),
    );
    expect(toHex(req)).toBe('AA 00 01 00 00 00 64 00 00 00 0E 00 72 73 00 02 02 00 53 04 00 00 0D 00 00 00 80 41 28 15');
    expect(response('AA 00 64 00 00 00 01 00 00 00 0A 00 6E F7 02 02 02 00 53 04 00 00 0D 00 69 4C').kind).toBe('value');
  });

  it('multi-info request', () => {
    const list = hex('B8 0B FD 41 0C FE 5A 1B 00');
    const req = encodeReadRequestWithData({ address: 501, objectType: ObjectType.MULTI_INFO, objectId: 1, propertyId: 1 }, list);
    expect(toHex(req)).toBe('AA 00 01 00 00 00 F5 01 00 00 13 00 09 E8 00 01 0A 00 01 00 00 00 01 00 B8 0B FD 41 0C FE 5A 1B 00 8C 7C');
  });
});

describe('stream reader', () => {
  const good = hex('AA 34 65 00 00 00 01 00 00 00 0E 00 A7 45 02 01 01 00 B8 0B 00 00 01 00 00 C0 45 41 0D CB');

  it('resyncs after noise, a stray 0xAA and a corrupted header', () => {
    const corrupted = good.slice();
    corrupted[12]! ^= 0xff;
    const stream = new Uint8Array([0x00, 0xaa, 0x13, ...corrupted, ...good]);
    const reader = new FrameReader();
    const frames = reader.push(stream);
    expect(frames).toHaveLength(1);
    expect(frames[0]!.src).toBe(101);
    expect(reader.discarded).toBeGreaterThan(0);
  });

  it('drops a frame with a bad data checksum and keeps the next', () => {
    const bad = good.slice();
    bad[bad.length - 1]! ^= 0x01;
    const reader = new FrameReader();
    expect(reader.push(new Uint8Array([...bad, ...good]))).toHaveLength(1);
    expect(reader.badFrames).toBe(1);
  });

  it('assembles a frame split byte by byte', () => {
    const reader = new FrameReader();
    const frames = Array.from(good).flatMap((b) => reader.push(new Uint8Array([b])));
    expect(frames).toHaveLength(1);
    expect(reader.pending).toBe(0);
  });
});

describe('values', () => {
  it('round-trips each format and rejects wrong lengths', () => {
    expect(decodeValue('int32', encodeValue('int32', -821))).toEqual({ ok: true, value: -821 });
    expect(decodeValue('long_enum', encodeValue('long_enum', 4))).toEqual({ ok: true, value: 4 });
    expect(decodeValue('bool', encodeValue('bool', true))).toEqual({ ok: true, value: 1 });
    expect(decodeValue('bool', Uint8Array.of(2)).ok).toBe(false);
    expect(decodeValue('int32', Uint8Array.of(1, 2)).ok).toBe(false);
    expect(() => encodeValue('short_enum', 1.5)).toThrow(/integer/);
    expect(() => encodeValue('float', Number.NaN)).toThrow(/finite/);
  });

  it('decodes versions, FIDs and GUIDs', () => {
    expect(softwareVersion(0x0100, 0x060c)).toBe('1.6.12');
    expect(combineWords(0x1234, 0x5678)).toBe(0x12345678);
    expect(decodeGuid(hex('33 22 11 00 55 44 77 66 88 99 AA BB CC DD EE FF'))).toEqual({
      ok: true,
      value: '00112233-4455-6677-8899-aabbccddeeff',
    });
    // Decoding twice from the same Buffer gives the same GUID: the caller's bytes are left alone.
    const wire = Buffer.from('3322110055447766', 'hex');
    const guid = Buffer.concat([wire, Buffer.from('8899AABBCCDDEEFF', 'hex')]);
    expect(decodeGuid(guid)).toEqual(decodeGuid(guid));
    expect(guid.subarray(0, 8).toString('hex')).toBe('3322110055447766');
  });

  it('names unknown error codes', () => {
    expect(describeScomError(0x0099)).toBe('unknown SCOM error 0x0099');
  });
});
