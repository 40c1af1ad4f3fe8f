/** The simulated gateway's answers, read back with the codec: both sides of the wire agree on the reference. */
import { describe, expect, it } from 'vitest';
import {
  decodeFrame,
  decodeResponse,
  decodeValue,
  encodeReadRequest,
  encodeValue,
  encodeWriteRequest,
  type ScomResponse,
} from '../../../server/protocols/scom/index.ts';
import { XcomGatewaySim, parseDeviceList } from '../../../server/sim/xtender/gateway.ts';
import { SimFrameCollector } from '../../../server/sim/xtender/wire.ts';

function ask(sim: XcomGatewaySim, frame: Uint8Array): ScomResponse & { delayMs: number } {
  const [req] = new SimFrameCollector().feed(Buffer.from(frame));
  const answer = sim.handle(req!)!;
  const decoded = decodeFrame(answer.frame);
  if (!decoded.ok) throw new Error(decoded.error);
  const res = decodeResponse(decoded.value);
  if (!res.ok) throw new Error(res.error);
  return { ...res.value, delayMs: answer.delayMs };
}

const info = (address: number, id: number) => encodeReadRequest({ address, objectType: 1, objectId: id, propertyId: 1 });
const errorCode = (r: ScomResponse) => (r.kind === 'error' ? r.code : undefined);

describe('simulated Xcom-232i', () => {
  const sim = () => new XcomGatewaySim(parseDeviceList('xt:2,bsp:1'), { dropTimeoutMs: 400 });

  it('answers infos in their formats and the FID as the serial number', () => {
    const s = sim();
    const v = ask(s, info(101, 3000));
    expect(v.kind === 'value' && decodeValue('float', v.data)).toMatchObject({ ok: true });
    const e = ask(s, info(101, 3028));
    expect(e.kind === 'value' && e.data.length).toBe(2);
    const msb = ask(s, info(601, 7048));
    expect(msb.kind === 'value' && decodeValue('float', msb.data)).toEqual({ ok: true, value: Math.floor(s.devices[2]!.fid / 0x10000) });
  });

  it('answers errors as the reference lists them', () => {
    const s = sim();
    expect(errorCode(ask(s, info(101, 3999)))).toBe(0x22);
    expect(errorCode(ask(s, info(105, 3000)))).toBe(0x02);
    expect(errorCode(ask(s, info(100, 3000)))).toBe(0x2d);
    expect(errorCode(ask(s, encodeReadRequest({ address: 101, objectType: 1, objectId: 3000, propertyId: 7 })))).toBe(0x23);
    expect(errorCode(ask(s, encodeReadRequest({ address: 101, objectType: 0x42, objectId: 1, propertyId: 1 })))).toBe(0x21);
    const param = { address: 101, objectType: 2, objectId: 1107, propertyId: 0x0d };
    expect(errorCode(ask(s, encodeWriteRequest(param, encodeValue('float', 99))))).toBe(0x28);
    expect(errorCode(ask(s, encodeWriteRequest(param, encodeValue('float', 1))))).toBe(0x27);
    expect(errorCode(ask(s, encodeWriteRequest(param, Uint8Array.of(1, 2))))).toBe(0x24);
    expect(
      errorCode(ask(s, encodeWriteRequest({ address: 101, objectType: 1, objectId: 3000, propertyId: 1 }, encodeValue('float', 1)))),
    ).toBe(0x25);
  });

  it('writes RAM or flash, and multicast writes reach every Xtender', () => {
    const s = sim();
    expect(
      ask(s, encodeWriteRequest({ address: 100, objectType: 2, objectId: 1107, propertyId: 0x0d }, encodeValue('float', 16))).kind,
    ).toBe('value');
    expect([s.parameter(101, 1107), s.parameter(102, 1107)]).toEqual([
      { flash: 32, ram: 16 },
      { flash: 32, ram: 16 },
    ]);
    ask(s, encodeWriteRequest({ address: 101, objectType: 2, objectId: 1138, propertyId: 0x05 }, encodeValue('float', 12)));
    expect(s.parameter(101, 1138)).toEqual({ flash: 12, ram: 12 });
    expect(s.stats).toMatchObject({ flashWrites: 1, ramWrites: 2 });
  });

  it('after a drop-out: timeouts for the lost device and nonsense for the others until a new session', () => {
    const s = sim();
    s.dropOut(102);
    const lost = ask(s, info(102, 3000));
    expect([errorCode(lost), lost.delayMs]).toEqual([0x03, 400]);
    const nonsense = ask(s, info(101, 3022));
    expect(nonsense.kind === 'value' && (decodeValue('float', nonsense.data) as { value: number }).value).toBeGreaterThan(100);
    expect(s.nonsense).toHaveLength(1);
    expect(ask(s, encodeReadRequest({ address: 501, objectType: 4, objectId: 0, propertyId: 0 })).kind).toBe('value');
    expect(s.isStale).toBe(false);
    expect(errorCode(ask(s, info(102, 3000)))).toBe(0x02);
    const sane = ask(s, info(101, 3022));
    expect(sane.kind === 'value' && (decodeValue('float', sane.data) as { value: number }).value).toBeLessThan(20);
  });
});
