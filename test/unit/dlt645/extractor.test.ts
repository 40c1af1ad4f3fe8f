import { describe, expect, it } from 'vitest';
import { DtuFilter, parseHeartbeat } from '../../../server/protocols/dlt645/dtu.ts';
import { Dlt645FrameExtractor } from '../../../server/protocols/dlt645/extractor.ts';
import { encodeFrame } from '../../../server/protocols/dlt645/frame.ts';
import { readDataReply } from '../../../server/protocols/dlt645/messages.ts';
import { toHex } from '../../../server/protocols/dlt645/values.ts';
import { frameByRef } from './vectors.ts';

const ENERGY = frameByRef('8.1 response');
const VOLTAGE = frameByRef('8.2 response');
const ERROR = frameByRef('8.4 error');
const cat = (...parts: (Uint8Array | number[])[]) => Uint8Array.from(parts.flatMap((p) => [...p]));

describe('frame extractor (§8.7)', () => {
  it('1: skips FE wake-up bytes and junk before 0x68', () => {
    const ex = new Dlt645FrameExtractor();
    const frames = ex.push(cat([0x00, 0x12, 0xff], [0xfe, 0xfe, 0xfe, 0xfe], ENERGY));
    expect(frames.map((f) => f.address)).toEqual(['000000000161']);
    expect(ex.stats).toMatchObject({ frames: 1, garbageBytes: 3, badFrames: 0 });
    expect(ex.pending).toBe(0);
  });

  it('2: returns two frames from one chunk, and one frame split across chunks', () => {
    const ex = new Dlt645FrameExtractor();
    expect(ex.push(cat(ENERGY, VOLTAGE)).map((f) => f.control)).toEqual([0x91, 0x91]);
    const split = cat(VOLTAGE, ERROR);
    const seen: number[] = [];
    for (let i = 0; i < split.length; i += 5) seen.push(...ex.push(split.subarray(i, i + 5)).map((f) => f.control));
    expect(seen).toEqual([0x91, 0xd1]);
    expect(ex.pending).toBe(0);
  });

  it('2: delivers a frame fed one byte at a time', () => {
    const ex = new Dlt645FrameExtractor();
    const frames = [...ENERGY].flatMap((b) => ex.push(Uint8Array.of(b)));
    expect(frames).toHaveLength(1);
  });

  it('3: handles a 0x68 inside the data field', () => {
    // Value byte 0x35 + 0x33 = 0x68 on the wire.
    const wire = encodeFrame(readDataReply('000000000161', '02010100', Uint8Array.of(0x35, 0x02)));
    expect([...wire.subarray(10)]).toContain(0x68);
    const ex = new Dlt645FrameExtractor();
    const frames = ex.push(cat(wire, ENERGY));
    expect(frames.map((f) => toHex(f.data.subarray(4)))).toEqual(['3502', '26000000']);
  });

  it('3: resyncs one byte further when a header is followed by a bad checksum', () => {
    const broken = Uint8Array.from(VOLTAGE);
    broken[broken.length - 2]! ^= 0xff;
    const ex = new Dlt645FrameExtractor();
    const frames = ex.push(cat(broken, ENERGY));
    expect(frames.map((f) => f.control)).toEqual([0x91]);
    expect(ex.stats.badFrames).toBe(1);
    expect(ex.stats.lastError?.reason).toBe('bad_checksum');
  });

  it('3: does not let a fake long header in garbage hide the frame behind it', () => {
    const fake = [0x68, 1, 2, 3, 4, 5, 6, 0x68, 0x91, 0xc8];
    const ex = new Dlt645FrameExtractor();
    expect(ex.push(cat(fake, ENERGY)).map((f) => f.address)).toEqual(['000000000161']);
  });

  it('4: passes an error reply with L = 1', () => {
    const [f] = new Dlt645FrameExtractor().push(ERROR);
    expect(f!.control).toBe(0xd1);
    expect([...f!.data]).toEqual([0x02]);
  });
});

describe('DTU filter (§8.7 case 7)', () => {
  it('strips an IMEI registration before the first frame and remembers it', () => {
    const filter = new DtuFilter({});
    const ex = new Dlt645FrameExtractor();
    const frames = ex.push(filter.filter(cat(Buffer.from('860123456789012', 'latin1'), ENERGY)));
    expect(frames).toHaveLength(1);
    expect(filter.registrationId).toBe('860123456789012');
    expect(ex.stats.garbageBytes).toBe(0);
  });

  it('strips heartbeats between frames and a registration prefix on every packet', () => {
    const filter = new DtuFilter({ registrationPattern: 'LOGIN:[0-9]+', heartbeat: parseHeartbeat('0xFA FB') });
    const ex = new Dlt645FrameExtractor();
    const chunks = [
      cat(Buffer.from('LOGIN:1001'), ENERGY),
      Uint8Array.of(0xfa, 0xfb),
      cat(Buffer.from('LOGIN:1001'), VOLTAGE, [0xfa, 0xfb]),
    ];
    const frames = chunks.flatMap((c) => ex.push(filter.filter(c)));
    expect(frames).toHaveLength(2);
    expect(filter.registrationId).toBe('LOGIN:1001');
    expect(filter.heartbeats).toBe(2);
    expect(ex.stats.garbageBytes).toBe(0);
  });

  it('strips a registration sent both on connect and as a prefix (two in a row)', () => {
    const filter = new DtuFilter({});
    const imei = Buffer.from('860000000000211', 'latin1');
    const ex = new Dlt645FrameExtractor();
    expect(ex.push(filter.filter(cat(imei, imei, ENERGY)))).toHaveLength(1);
    expect(filter.registrationId).toBe('860000000000211');
    expect(ex.stats.garbageBytes).toBe(0);
  });

  it('recognises an ICCID by default', () => {
    const filter = new DtuFilter({});
    filter.filter(cat(Buffer.from('89860312345678901234', 'latin1'), ENERGY));
    expect(filter.registrationId).toBe('89860312345678901234');
  });

  it('reads heartbeat options as 0x-hex or ASCII', () => {
    expect([...parseHeartbeat('0xFE00')]).toEqual([0xfe, 0x00]);
    expect(Buffer.from(parseHeartbeat('ping')).toString()).toBe('ping');
  });
});

describe('frame extractor over a long-lived link', () => {
  it('keeps finding every frame after its byte count starts again from zero', () => {
    const ex = new Dlt645FrameExtractor(100);
    const seen: number[] = [];
    for (let i = 0; i < 40; i++) {
      const bytes = i % 3 === 0 ? cat([0xfe, 0x00], ENERGY) : VOLTAGE;
      // Each frame in two chunks: a chunk that finds bytes held waits for the next to start again.
      seen.push(...ex.push(bytes.subarray(0, 9)).map((f) => f.control));
      seen.push(...ex.push(bytes.subarray(9)).map((f) => f.control));
    }
    expect(seen).toHaveLength(40);
    expect(ex.stats.frames).toBe(40);
    expect(ex.stats.badFrames).toBe(0);
  });

  it('starts again even while endless garbage keeps bytes held, and still finds the next frame', () => {
    const ex = new Dlt645FrameExtractor(100);
    for (let i = 0; i < 50; i++) ex.push(new Uint8Array(20).fill(0x68));
    expect(ex.push(cat([0x00], ENERGY)).map((f) => f.address)).toEqual(['000000000161']);
  });
});
