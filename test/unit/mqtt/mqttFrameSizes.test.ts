import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MqttFrameSizes } from '../../../server/mqtt/mqttFrameSizes.ts';

/** A packet as it goes on the wire: type byte, remaining length (1 to 4 bytes), body. */
function packet(type: number, body: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([type]), remainingLength(body.length), body]);
}

function remainingLength(n: number): Buffer {
  const bytes: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    bytes.push(b);
  } while (n > 0);
  return Buffer.from(bytes);
}

/** `bytes` cut at the given points, as a socket might deliver it. */
function chunks(bytes: Buffer, cuts: number[]): Buffer[] {
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let from = 0;
  for (const c of [...at, bytes.length]) {
    if (c > from) out.push(bytes.subarray(from, c));
    from = Math.max(from, c);
  }
  return out;
}

const LIMIT = 4096;
const packets = fc.array(fc.record({ type: fc.integer({ min: 0, max: 255 }), body: fc.uint8Array({ maxLength: LIMIT - 5 }) }), {
  maxLength: 20,
});

describe('MQTT frame sizes', () => {
  it('lets packets within the limit through however they are cut, with work bounded by packets and chunks', () => {
    fc.assert(
      fc.property(packets, fc.array(fc.nat(), { maxLength: 30 }), (list, cuts) => {
        const wire = Buffer.concat(list.map((p) => packet(p.type, p.body)));
        const parts = chunks(wire, cuts);
        const frames = new MqttFrameSizes(LIMIT);
        for (const part of parts) expect(frames.feed(part)).toBeUndefined();
        // Type byte and up to 4 length bytes per packet, and one step per piece of a body.
        expect(frames.steps).toBeLessThanOrEqual(6 * list.length + parts.length);
      }),
    );
  });

  it('refuses a packet over the limit from its header, after any number of good ones', () => {
    fc.assert(
      fc.property(
        packets,
        fc.integer({ min: LIMIT - 4, max: 268_435_455 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        (list, bodyLength, cuts) => {
          const header = Buffer.concat([Buffer.from([0x31]), remainingLength(bodyLength)]);
          const size = header.length + bodyLength;
          fc.pre(size > LIMIT);
          // Only the header and a little of the body are sent: the refusal must not wait for more.
          const wire = Buffer.concat([...list.map((p) => packet(p.type, p.body)), header, Buffer.alloc(10)]);
          const frames = new MqttFrameSizes(LIMIT);
          const verdicts = chunks(wire, cuts).map((part) => frames.feed(part));
          expect(verdicts.at(-1)).toEqual({ reason: 'too large', size });
          expect(frames.steps).toBeLessThanOrEqual(6 * (list.length + 1) + verdicts.length);
        },
      ),
    );
  });

  it('refuses a remaining length longer than four bytes', () => {
    const frames = new MqttFrameSizes(Number.MAX_SAFE_INTEGER);
    expect(frames.feed(Buffer.from([0x30, 0x80, 0x80, 0x80, 0x80, 0x01]))).toEqual({ reason: 'malformed remaining length' });
    expect(frames.feed(Buffer.from([0x30, 0x00]))).toEqual({ reason: 'malformed remaining length' });
  });

  it('skips a large body in one step per chunk, not per byte', () => {
    const frames = new MqttFrameSizes(256 * 1024 * 1024);
    const body = 200 * 1024 * 1024;
    expect(frames.feed(Buffer.concat([Buffer.from([0x31]), remainingLength(body)]))).toBeUndefined();
    const mb = Buffer.alloc(1024 * 1024);
    for (let i = 0; i < 200; i++) expect(frames.feed(mb)).toBeUndefined();
    expect(frames.feed(Buffer.from([0xc0, 0x00]))).toBeUndefined();
    expect(frames.steps).toBe(5 + 200 + 2);
  });
});
