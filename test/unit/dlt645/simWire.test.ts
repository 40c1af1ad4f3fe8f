/**
 * The simulator's wire code is written apart from the codec; here each side reads what the
 * other writes, so the two independent readings of the reference must agree.
 */
import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame } from '../../../server/protocols/dlt645/frame.ts';
import { parseReply, readAddressRequest, readDataRequest } from '../../../server/protocols/dlt645/messages.ts';
import { decodeBcdValue } from '../../../server/protocols/dlt645/values.ts';
import { DLT645_REGISTERS } from '../../../server/drivers/dlt645/registers.ts';
import { Household } from '../../../server/sim/dlt645/household.ts';
import { SimMeter, SUPPORTED_DIS } from '../../../server/sim/dlt645/simMeter.ts';
import { RequestReader } from '../../../server/sim/dlt645/slaveFrames.ts';
import { frameByRef } from './vectors.ts';

const ADDRESS = '000000000161';
const meter = (threePhase = true) =>
  new SimMeter({ address: ADDRESS, household: new Household({ seed: 5, threePhase, solar: true }), wakeUp: 4 });
const ask = (m: SimMeter, di: string) => {
  const [req] = new RequestReader().feed(Buffer.from(encodeFrame(readDataRequest(ADDRESS, di), 4)));
  return m.answer(req!);
};

describe('simulator wire vs codec', () => {
  it('the sim reads the §8 requests as the reference describes them', () => {
    const reqs = new RequestReader().feed(Buffer.concat([frameByRef('8.1 request'), Buffer.from([0x12, 0x68]), frameByRef('8.3 request')]));
    expect(reqs).toEqual([
      { address: ADDRESS, control: 0x11, data: [0x00, 0x00, 0x01, 0x00] },
      { address: 'AAAAAAAAAAAA', control: 0x13, data: [] },
    ]);
  });

  it('answers every register of the table that it supports with a reply the codec decodes', () => {
    const m = meter();
    for (const reg of DLT645_REGISTERS.filter((r) => SUPPORTED_DIS.includes(r.id))) {
      const reply = parseReply(decodeFrame(ask(m, reg.id)!));
      expect(reply).toMatchObject({ kind: 'data', address: ADDRESS, di: reg.id });
      if (reply.kind === 'data') expect(decodeBcdValue(reply.value, reg.format)).not.toBeNull();
    }
  });

  it('answers "no requested data" for unknown DIs and missing phases', () => {
    expect(parseReply(decodeFrame(ask(meter(), '04000403')!))).toMatchObject({ kind: 'error', errorWord: 0x02 });
    expect(parseReply(decodeFrame(ask(meter(false), '02010200')!))).toMatchObject({ kind: 'error', errorWord: 0x02 });
  });

  it('answers read-address on the wildcard with its own address', () => {
    const [req] = new RequestReader().feed(Buffer.from(encodeFrame(readAddressRequest(), 4)));
    expect(parseReply(decodeFrame(meter().answer(req!)!))).toEqual({ kind: 'address', address: ADDRESS, reported: ADDRESS });
  });

  it('stays silent for other addresses', () => {
    const [req] = new RequestReader().feed(Buffer.from(encodeFrame(readDataRequest('000000000162', '00010000'))));
    expect(meter().answer(req!)).toBeUndefined();
  });

  it('encodes a pinned signed value the way the reference decodes it', () => {
    const m = meter();
    m.household.overrides.set('02020100', -1.234);
    expect(Buffer.from(ask(m, '02020100')!).subarray(4)).toEqual(Buffer.from(frameByRef('8.5 reply -1.234 A')));
  });
});
