/**
 * MeterSession logic against a scripted link (the TCP and serial paths are covered in
 * test/integration/dlt645): follow-up replies (0xB1 → 0x12) and wrong-DI echoes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Hub } from '../../../server/core/hub.ts';
import { createLogger } from '../../../server/core/logger.ts';
import { Dlt645Link } from '../../../server/drivers/dlt645/link.ts';
import { MeterSession } from '../../../server/drivers/dlt645/meter.ts';
import { decodeFrame, encodeFrame, type Dlt645Frame } from '../../../server/protocols/dlt645/frame.ts';
import { diFromBytes, errorReply, readDataReply } from '../../../server/protocols/dlt645/messages.ts';

const ADDRESS = '000000000161';
let session: MeterSession | undefined;

afterEach(() => session?.stop());

function scriptedLink(answer: (req: Dlt645Frame) => Dlt645Frame[]): Dlt645Link {
  const link = new Dlt645Link('scripted', 200, { frames: 0, badFrames: 0, garbageBytes: 0, timeouts: 0 });
  link.attach({
    write: (bytes) => {
      const replies = answer(decodeFrame(bytes));
      setImmediate(() => {
        for (const r of replies) link.receive(encodeFrame(r));
      });
    },
  });
  return link;
}

function newSession(link: Dlt645Link): { hub: Hub; session: MeterSession } {
  const hub = new Hub();
  session = new MeterSession(hub, createLogger('error'), {
    address: ADDRESS,
    listed: true,
    pollIntervalMs: 60_000,
    initialDelayMs: 60_000,
    retries: 0,
    thresholds: { voltage_high: 253, voltage_low: 207, current_high: 60, power_factor_low: 0.8 },
  });
  session.attach(link);
  return { hub, session };
}

describe('MeterSession', () => {
  it('collects a value sent in follow-up frames (0xB1, then 0x12 with SEQ)', async () => {
    const seqs: number[] = [];
    const link = scriptedLink((req) => {
      const di = diFromBytes(req.data);
      if (req.control === 0x11) return [readDataReply(ADDRESS, di, Uint8Array.of(0x78, 0x56), true)];
      seqs.push(req.data[4]!);
      const rest = Uint8Array.of(0x34, 0x12, req.data[4]!);
      return [{ ...readDataReply(ADDRESS, di, rest), control: 0x92 }];
    });
    const { session: s } = newSession(link);
    const [reading] = await s.read(['totalActiveEnergy']);
    expect(reading).toEqual({ key: 'totalActiveEnergy', value: 123456.78, raw: '12345678' });
    expect(seqs).toEqual([1]);
  });

  it('waits past an answer that echoes another DI and counts it', async () => {
    const link = scriptedLink((req) => [
      readDataReply(ADDRESS, '02800002', Uint8Array.of(0x01, 0x50)),
      readDataReply(ADDRESS, diFromBytes(req.data), Uint8Array.of(0x01, 0x23)),
    ]);
    const { session: s } = newSession(link);
    const [reading] = await s.read(['voltageA']);
    expect(reading!.value).toBe(230.1);
    expect(s.diagnostics()).toMatchObject({ wrongDi: 1, framesOk: 2 });
  });

  it('publishes invalid BCD (FF…) as null rather than a number', async () => {
    const link = scriptedLink((req) => [readDataReply(ADDRESS, diFromBytes(req.data), Uint8Array.of(0xff, 0xff))]);
    const { session: s } = newSession(link);
    const [reading] = await s.read(['voltageA']);
    expect(reading!.value).toBeNull();
    expect(reading!.raw).toBe('FFFF');
  });

  it('reads the three phase voltages with one block request, and one by one when the meter lacks the block', async () => {
    const asked: string[] = [];
    let blocks = true;
    const link = scriptedLink((req) => {
      const di = diFromBytes(req.data);
      asked.push(di);
      if (di === '0201FF00')
        return blocks ? [readDataReply(ADDRESS, di, Uint8Array.of(0x01, 0x23, 0x02, 0x23, 0x03, 0x23))] : [errorReply(ADDRESS, 0x11, 0x02)];
      return [readDataReply(ADDRESS, di, Uint8Array.of(0x09, 0x22))];
    });
    const { session: s } = newSession(link);
    expect(await s.read(['voltageA', 'voltageB', 'voltageC'])).toEqual([
      { key: 'voltageA', value: 230.1, raw: '2301' },
      { key: 'voltageB', value: 230.2, raw: '2302' },
      { key: 'voltageC', value: 230.3, raw: '2303' },
    ]);
    expect(asked).toEqual(['0201FF00']);
    blocks = false;
    asked.length = 0;
    const one = await s.read(['voltageA', 'voltageB', 'voltageC']);
    expect(one.map((r) => r.value)).toEqual([220.9, 220.9, 220.9]);
    expect(asked).toEqual(['0201FF00', '02010100', '02010200', '02010300']);
    asked.length = 0;
    await s.read(['voltageA', 'voltageB']);
    expect(asked).toEqual(['02010100', '02010200']);
  });

  it('reads the members one by one when a block answer is too short for them, and skips that block afterwards', async () => {
    const asked: string[] = [];
    const link = scriptedLink((req) => {
      const di = diFromBytes(req.data);
      asked.push(di);
      if (di === '0201FF00') return [readDataReply(ADDRESS, di, Uint8Array.of(0x01, 0x23, 0x02, 0x23))];
      return [readDataReply(ADDRESS, di, Uint8Array.of(0x09, 0x22))];
    });
    const { session: s } = newSession(link);
    const one = await s.read(['voltageA', 'voltageB', 'voltageC']);
    expect(one.map((r) => r.value)).toEqual([220.9, 220.9, 220.9]);
    expect(asked).toEqual(['0201FF00', '02010100', '02010200', '02010300']);
    expect(s.diagnostics().unsupported).toEqual({ '0201FF00': 'block answer of 4 bytes is too short' });
    asked.length = 0;
    await s.read(['voltageA', 'voltageB', 'voltageC']);
    expect(asked).toEqual(['02010100', '02010200', '02010300']);
  });
});
