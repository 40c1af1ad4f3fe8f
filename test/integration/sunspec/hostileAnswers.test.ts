/**
 * Malformed Modbus TCP answers over a real loopback socket: whatever a device sends back
 * (wrong lengths, byte counts, function codes, exception codes, garbage), a read resolves
 * with exactly the registers asked for or rejects with a typed error, and never hangs.
 */
import net from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModbusExceptionError, ModbusLink, UnreachableError } from '../../../server/drivers/sunspec/modbusLink.ts';
import { freePort, waitFor } from '../../support/ports.ts';

/** What the server sends for the next request, given its transaction id. */
let answer: (tid: number) => Buffer = () => Buffer.alloc(0);
let server: net.Server;
let port: number;
const sockets = new Set<net.Socket>();

beforeAll(async () => {
  port = await freePort();
  server = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => undefined);
    sock.on('data', (data) => {
      if (data.length >= 2) sock.write(answer(data.readUInt16BE(0)));
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** An MBAP header (transaction id, protocol 0, length, unit) before a PDU. */
function frame(tid: number, unit: number, pdu: number[], lengthField = pdu.length + 1): Buffer {
  const b = Buffer.alloc(7 + pdu.length);
  b.writeUInt16BE(tid, 0);
  b.writeUInt16BE(0, 2);
  b.writeUInt16BE(lengthField & 0xffff, 4);
  b.writeUInt8(unit, 6);
  Buffer.from(pdu).copy(b, 7);
  return b;
}

const hostileAnswer = fc.oneof(
  // A read answer whose byte count and registers may not match what was asked.
  fc.record({
    kind: fc.constant('registers' as const),
    byteCount: fc.integer({ min: 0, max: 255 }),
    data: fc.uint8Array({ maxLength: 260 }),
    lengthSkew: fc.integer({ min: -3, max: 3 }),
  }),
  fc.record({ kind: fc.constant('exception' as const), code: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('function' as const), fn: fc.integer({ min: 0, max: 255 }), data: fc.uint8Array({ maxLength: 20 }) }),
  fc.record({ kind: fc.constant('garbage' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 300 }) }),
);

describe('ModbusLink against malformed answers', () => {
  it('resolves with exactly the registers asked for, or rejects with a typed error', async () => {
    const link = new ModbusLink('127.0.0.1', port);
    const outcomes = { ok: 0, exception: 0, unreachable: 0 };
    await fc.assert(
      fc.asyncProperty(hostileAnswer, fc.integer({ min: 1, max: 125 }), async (hostile, count) => {
        answer = (tid) => {
          if (hostile.kind === 'garbage') return Buffer.from(hostile.bytes);
          if (hostile.kind === 'exception') return frame(tid, 1, [0x83, hostile.code]);
          if (hostile.kind === 'function') return frame(tid, 1, [hostile.fn, ...hostile.data]);
          const pdu = [0x03, hostile.byteCount, ...hostile.data];
          return frame(tid, 1, pdu, pdu.length + 1 + hostile.lengthSkew);
        };
        try {
          const regs = await link.read(1, 40000, count, 300);
          expect(regs).toHaveLength(count);
          for (const r of regs) expect(r >= 0 && r <= 0xffff).toBe(true);
          outcomes.ok++;
        } catch (err) {
          if (err instanceof ModbusExceptionError) outcomes.exception++;
          else if (err instanceof UnreachableError) outcomes.unreachable++;
          else throw err;
        }
      }),
      { numRuns: 60 },
    );
    await link.close();
    expect(outcomes.exception + outcomes.unreachable).toBeGreaterThan(0);
  });

  it('a well-formed answer still reads after the link met garbage', async () => {
    const link = new ModbusLink('127.0.0.1', port);
    answer = () => Buffer.from([0xff, 0xff, 0xff]);
    await expect(link.read(1, 40000, 2, 300)).rejects.toBeInstanceOf(UnreachableError);
    answer = (tid) => frame(tid, 1, [0x03, 4, 0x53, 0x75, 0x6e, 0x53]);
    expect(await link.read(1, 40000, 2, 2000)).toEqual([0x5375, 0x6e53]);
    answer = (tid) => frame(tid, 1, [0x83, 0x02]);
    await expect(link.read(1, 40000, 2, 2000)).rejects.toThrow(/Modbus exception 2 \(illegal data address\)/);
    await link.close();
  });

  it('closing the link ends a request the device leaves unanswered at once, not at its timeout', async () => {
    const link = new ModbusLink('127.0.0.1', port);
    answer = () => Buffer.alloc(0);
    const pending = link.read(1, 40000, 2, 600_000);
    await waitFor(() => link.stats.requests === 1, { what: 'the request sent' });
    await link.close();
    await expect(pending).rejects.toThrow(/connection closed/);
    await expect(link.read(1, 40000, 2, 1000)).rejects.toBeInstanceOf(UnreachableError);
  });
});
