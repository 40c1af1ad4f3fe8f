/** DL/T 645 codec throughput: frames found and decoded in a TCP-like stream, requests built. */
import { Dlt645FrameExtractor } from '../server/protocols/dlt645/extractor.ts';
import { encodeFrame } from '../server/protocols/dlt645/frame.ts';
import { parseReply, readDataReply, readDataRequest } from '../server/protocols/dlt645/messages.ts';
import { decodeBcdValue, encodeBcdValue } from '../server/protocols/dlt645/values.ts';
import { DLT645_REGISTERS } from '../server/drivers/dlt645/registers.ts';
import { bytes, figure, fill, randomStream, STREAM_BYTES, streamRate, tile } from './hostileInput.ts';
import net from 'node:net';
import http from 'node:http';
import { readAddressReply } from '../server/protocols/dlt645/messages.ts';
import type { Harness } from './harness.ts';
import { type HostileListener, healthLatencyMs } from './hostileListeners.ts';

const RUN_MS = 1500;

/** Replies for every register, with wake-up bytes, cut into 64-byte chunks as TCP might. */
function replyStream(): { chunks: Uint8Array[]; frames: number } {
  const parts: number[] = [];
  let frames = 0;
  for (let m = 0; m < 20; m++) {
    const address = String(100000 + m).padStart(12, '0');
    for (const reg of DLT645_REGISTERS) {
      const value = reg.format.signed ? -1.5 : 12.5;
      parts.push(...encodeFrame(readDataReply(address, reg.id, encodeBcdValue(value, reg.format)), m % 2 === 0 ? 4 : 0));
      frames++;
    }
  }
  const all = Uint8Array.from(parts);
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < all.length; i += 64) chunks.push(all.subarray(i, i + 64));
  return { chunks, frames };
}

function measure(fn: () => number): number {
  const start = performance.now();
  let count = 0;
  while (performance.now() - start < RUN_MS) count += fn();
  return Math.round(count / ((performance.now() - start) / 1000));
}

export async function bench(): Promise<Record<string, unknown>[]> {
  const { chunks, frames } = replyStream();
  const formats = new Map(DLT645_REGISTERS.map((r) => [r.id, r.format]));
  const decoded = measure(() => {
    const ex = new Dlt645FrameExtractor();
    let n = 0;
    for (const chunk of chunks) {
      for (const frame of ex.push(chunk)) {
        const reply = parseReply(frame);
        if (reply.kind === 'data' && decodeBcdValue(reply.value, formats.get(reply.di)!) !== null) n++;
      }
    }
    if (n !== frames) throw new Error(`decoded ${n} of ${frames} frames`);
    return n;
  });
  const built = measure(() => {
    for (const reg of DLT645_REGISTERS) encodeFrame(readDataRequest('000000000161', reg.id), 4);
    return DLT645_REGISTERS.length;
  });
  return [
    {
      figure: 'dlt645_frames_decoded_per_s',
      value: decoded,
      unit: 'per_s',
      note: 'stream split in 64-byte chunks; extract + parse reply + BCD value',
    },
    { figure: 'dlt645_requests_encoded_per_s', value: built, unit: 'per_s' },
  ];
}

/** The frame extractor on hostile bytes (`npm run bench -- hostile`). */
export function hostileFigures(): Record<string, unknown>[] {
  const header = bytes(0x68, 1, 2, 3, 4, 5, 6, 0x68, 0x91, 0xff);
  const n = STREAM_BYTES;
  return [
    figure({
      parser: 'dlt645_extractor',
      random: randomStream(),
      rate: (input) => streamRate(() => new Dlt645FrameExtractor(), input),
      patterns: {
        startRun: fill(0x68)(n),
        preambleRun: fill(0xfe)(n),
        longHeaders: tile(header, n),
        headerThenGarbage: tile(Uint8Array.from([...header, ...new Uint8Array(40)]), n),
      },
    }),
  ];
}

const FLOOD = 1000;

/** 1,000 connections, each from its own loopback address, each announcing a new meter. */
async function flood(h: Harness, port: number): Promise<Record<string, unknown>> {
  await new Promise((r) => setTimeout(r, 2000));
  const before = h.rssMb();
  const sockets: net.Socket[] = [];
  let open = 0;
  for (let i = 0; i < FLOOD; i++) {
    const address = String(900_000_000_000 + i).padStart(12, '0');
    const socket = net.connect({ host: '127.0.0.1', port, localAddress: `127.0.${10 + Math.floor(i / 250)}.${(i % 250) + 1}` });
    socket.on('error', () => undefined);
    socket.on('connect', () => {
      open++;
      // An unsolicited read-address answer announcing this connection's meter.
      socket.write(encodeFrame(readAddressReply(address)));
    });
    socket.on('close', () => open--);
    sockets.push(socket);
  }
  await new Promise((r) => setTimeout(r, 15_000));
  const after = h.rssMb();
  const stillOpen = open;
  const health = await healthLatencyMs(h.httpPort);
  const devices = await new Promise<number>((resolve) => {
    http
      .get({ host: '127.0.0.1', port: h.httpPort, path: '/api/devices' }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve((JSON.parse(body) as unknown[]).length));
      })
      .on('error', () => resolve(-1));
  });
  for (const s of sockets) s.destroy();
  await new Promise((r) => setTimeout(r, 2000));
  return {
    figure: 'dlt645_flood_1000_connections',
    connections: FLOOD,
    open_after_15s: stillOpen,
    devices_after: devices,
    rss_mb_before: Number(before.toFixed(1)),
    rss_mb_after: Number(after.toFixed(1)),
    rss_kb_per_connection: Number((((after - before) * 1024) / FLOOD).toFixed(1)),
    health_ms_after: Number(health.toFixed(1)),
  };
}

/** The dial-in listener against hostile peers (`npm run bench -- hostile_listeners`). */
export const hostileListener: HostileListener = {
  port: (options) => options.dlt645.listen_port,
  patterns: [{ name: 'run of 0x68', bytes: [0x68] }],
  flood,
};

/** The dial-in fleet against one bridge, and several bridges behind HAProxy on a NATS cluster. */
export const suites = {
  fleet: () => import('./dlt645/fleet.ts'),
  scaleout: () => import('./dlt645/scaleout.ts'),
};
