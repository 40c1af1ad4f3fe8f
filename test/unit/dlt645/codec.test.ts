import { describe, expect, it } from 'vitest';
import { controlBits, answersRequest } from '../../../server/protocols/dlt645/control.ts';
import { Dlt645FrameError, errorWordMeanings, isNoDataError } from '../../../server/protocols/dlt645/errors.ts';
import { decodeFrame, encodeFrame } from '../../../server/protocols/dlt645/frame.ts';
import {
  errorReply,
  parseReply,
  readAddressReply,
  readAddressRequest,
  readDataReply,
  readDataRequest,
  readFollowUpRequest,
} from '../../../server/protocols/dlt645/messages.ts';
import { bcdDigits, decodeBcdValue, decodeBlock, encodeBcdValue, toHex } from '../../../server/protocols/dlt645/values.ts';
import { DLT645_REGISTERS } from '../../../server/drivers/dlt645/registers.ts';
import { bytes, frameByRef, WORKED_FRAMES } from './vectors.ts';

const formatOf = (di: string) => {
  const reg = DLT645_REGISTERS.find((r) => r.id === di);
  if (!reg) throw new Error(`no register for ${di}`);
  return reg.format;
};

describe('§8 worked frames', () => {
  it.each(WORKED_FRAMES)('$ref decodes to its address, control code and data', (w) => {
    const frame = decodeFrame(bytes(w.hex));
    expect(frame.address).toBe(w.address);
    expect(frame.control).toBe(w.control);
    expect(toHex(frame.data)).toBe(w.data.toUpperCase());
  });

  it.each(WORKED_FRAMES)('$ref re-encodes byte for byte', (w) => {
    const wire = bytes(w.hex);
    const preamble = wire.findIndex((b) => b !== 0xfe);
    expect(toHex(encodeFrame(decodeFrame(wire), preamble))).toBe(toHex(wire));
  });

  it.each(WORKED_FRAMES.filter((w) => w.value !== undefined))('$ref carries the value $value', (w) => {
    const reply = parseReply(decodeFrame(bytes(w.hex)));
    expect(reply.kind).toBe('data');
    if (reply.kind !== 'data') return;
    expect(reply.di).toBe(w.di);
    expect(decodeBcdValue(reply.value, formatOf(reply.di))).toBe(w.value);
  });

  it('builds the read requests of §8.1, §8.2 and §8.5 exactly', () => {
    expect(toHex(encodeFrame(readDataRequest('000000000161', '00010000'), 4))).toBe(toHex(frameByRef('8.1 request')));
    expect(toHex(encodeFrame(readDataRequest('000000000161', '02010100'), 4))).toBe(toHex(frameByRef('8.2 request')));
    expect(toHex(encodeFrame(readDataRequest('000000000161', '02800002')))).toBe(toHex(frameByRef('8.5 read frequency')));
  });

  it('builds the read-address request of §8.3 and reads the address from its reply', () => {
    expect(toHex(encodeFrame(readAddressRequest(), 4))).toBe(toHex(frameByRef('8.3 request')));
    expect(parseReply(decodeFrame(frameByRef('8.3 response')))).toEqual({
      kind: 'address',
      address: '000000000001',
      reported: '000000000001',
    });
    expect(toHex(encodeFrame(readAddressReply('000000000001')))).toBe(toHex(frameByRef('8.3 response')));
  });

  it('decodes the §8.4 error reply as "no requested data"', () => {
    const reply = parseReply(decodeFrame(frameByRef('8.4 error')));
    expect(reply).toMatchObject({ kind: 'error', func: 0x11, errorWord: 0x02, meanings: ['no requested data'] });
    expect(toHex(encodeFrame(errorReply('000000000161', 0x11, 0x02)))).toBe(toHex(frameByRef('8.4 error')));
  });

  it('builds the §8.5 replies from values', () => {
    const reply = (di: string, v: number) => toHex(encodeFrame(readDataReply('000000000161', di, encodeBcdValue(v, formatOf(di)))));
    expect(reply('02020100', -1.234)).toBe(toHex(frameByRef('8.5 reply -1.234 A')));
    expect(reply('02030000', 1.2345)).toBe(toHex(frameByRef('8.5 reply 1.2345 kW')));
    expect(reply('02060000', -0.987)).toBe(toHex(frameByRef('8.5 reply PF -0.987')));
    expect(reply('00010000', 123456.78)).toBe(toHex(frameByRef('8.5 reply 123456.78 kWh')));
  });

  it('decodes the §8.5 broadcast time to ss mm hh DD MM YY', () => {
    const f = decodeFrame(frameByRef('8.5 broadcast time'));
    expect(controlBits(f.control)).toEqual({ fromSlave: false, error: false, followUp: false, func: 0x08 });
    expect(toHex(f.data)).toBe('302010150324');
  });

  it('decodes the §8.6 1997 frames (structure is the same; 2-byte DI B611 → 100 V)', () => {
    const f = decodeFrame(frameByRef('8.6 1997 response'));
    expect(f.control).toBe(0x81);
    expect(decodeBcdValue(f.data.subarray(2), { bytes: 2, decimals: 0, signed: false })).toBe(100);
  });
});

describe('control code', () => {
  it('0xB1 is a normal reply with follow-up, not an error', () => {
    expect(controlBits(0xb1)).toEqual({ fromSlave: true, error: false, followUp: true, func: 0x11 });
    expect(controlBits(0xd1)).toEqual({ fromSlave: true, error: true, followUp: false, func: 0x11 });
    const data = new Uint8Array([0, 0, 1, 0, 0x26, 0, 0, 0]);
    expect(parseReply({ address: '000000000161', control: 0xb1, data })).toMatchObject({ kind: 'data', followUp: true, di: '00010000' });
  });

  it('matches normal, follow-up and error replies to their request only', () => {
    expect([0x91, 0xb1, 0xd1].map((c) => answersRequest(0x11, c))).toEqual([true, true, true]);
    expect(answersRequest(0x11, 0x93)).toBe(false);
    expect(answersRequest(0x11, 0x11)).toBe(false);
  });

  it('builds a follow-up read with its sequence byte', () => {
    expect(toHex(readFollowUpRequest('000000000161', '00010000', 2).data)).toBe('0000010002');
  });
});

describe('error word', () => {
  it('names every set bit', () => {
    expect(errorWordMeanings(0x02)).toEqual(['no requested data']);
    expect(errorWordMeanings(0x05)).toEqual(['other error', 'password error or unauthorised']);
    expect(errorWordMeanings(0)).toEqual(['unspecified error (error word 0)']);
    expect(isNoDataError(0x03)).toBe(true);
    expect(isNoDataError(0x01)).toBe(false);
  });
});

describe('values', () => {
  it('applies the sign bit only to signed formats (§8.7 case 6)', () => {
    const raw = Uint8Array.of(0x34, 0x12, 0x80);
    expect(decodeBcdValue(raw, formatOf('02020100'))).toBe(-1.234);
    const energy = Uint8Array.of(0x26, 0x80, 0x22, 0x11);
    expect(decodeBcdValue(energy, formatOf('00010000'))).toBe(112280.26);
  });

  it('treats nibbles above 9 as invalid', () => {
    expect(decodeBcdValue(Uint8Array.of(0xff, 0xff, 0xff, 0xff), formatOf('00010000'))).toBeNull();
    expect(decodeBcdValue(Uint8Array.of(0x1a, 0x00), formatOf('02010100'))).toBeNull();
    expect(decodeBcdValue(Uint8Array.of(0x01), formatOf('02010100'))).toBeNull();
  });

  it("gives a value's digits most significant first, as the IVY gateway's raw", () => {
    const bytes = encodeBcdValue(12345.67, formatOf('00010000'));
    expect(toHex(bytes)).toBe('67452301');
    expect(bcdDigits(bytes)).toBe('01234567');
    expect(bcdDigits(encodeBcdValue(-1.234, formatOf('02020100')))).toBe('801234');
    expect(bcdDigits(Uint8Array.of(0xff, 0x1a))).toBe('1AFF');
  });

  it('splits a block DI into its values', () => {
    const block = Uint8Array.of(0x01, 0x23, 0x02, 0x23, 0xff, 0xff);
    expect(decodeBlock(block, formatOf('02010100'))).toEqual([230.1, 230.2, null]);
  });

  it('refuses values that do not fit', () => {
    expect(() => encodeBcdValue(-1, formatOf('00010000'))).toThrow(RangeError);
    expect(() => encodeBcdValue(80, formatOf('02030000'))).toThrow(RangeError);
    expect(toHex(encodeBcdValue(79.9999, formatOf('02030000')))).toBe('999979');
  });
});

describe('frame errors', () => {
  it.each([
    ['too_short', '68 61 01 00 00 00 00 68 11'],
    ['no_second_start', '68 61 01 00 00 00 00 69 11 00 00 16'],
    ['length_mismatch', '68 61 01 00 00 00 00 68 11 04 33 33 16'],
    ['bad_checksum', '68 61 01 00 00 00 00 68 D1 01 35 38 16'],
    ['no_end', '68 61 01 00 00 00 00 68 D1 01 35 39 17'],
  ])('names the fault %s', (reason, hex) => {
    try {
      decodeFrame(bytes(hex));
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(Dlt645FrameError);
      expect((err as Dlt645FrameError).reason).toBe(reason);
    }
  });

  it('refuses a bad address when encoding', () => {
    expect(() => encodeFrame({ address: '12345', control: 0x11, data: new Uint8Array(0) })).toThrow(Dlt645FrameError);
  });

  it('reports malformed replies instead of throwing', () => {
    expect(parseReply({ address: '000000000001', control: 0x91, data: Uint8Array.of(1, 2) })).toMatchObject({ kind: 'invalid' });
    expect(parseReply({ address: '000000000001', control: 0xd1, data: new Uint8Array(0) })).toMatchObject({ kind: 'invalid' });
    expect(parseReply({ address: '000000000001', control: 0x93, data: Uint8Array.of(1) })).toMatchObject({ kind: 'invalid' });
  });
});
