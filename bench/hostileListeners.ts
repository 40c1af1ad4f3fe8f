/**
 * Hostile peers against the running bridge (a child process, every simulator beside it):
 * one connection streams 4 MB of a listener's worst byte pattern while `/api/health` is
 * asked every 20 ms (its worst latency is what every other user of the add-on waits), and
 * a flood of 1,000 connections, each from its own loopback address and announcing a new
 * meter, measures what one connection costs in memory. Loopback only, bounded in time.
 */
import http from 'node:http';
import net from 'node:net';
import { encodeFrame } from '../server/protocols/dlt645/frame.ts';
import { readAddressReply } from '../server/protocols/dlt645/messages.ts';
import { freePort } from '../server/sim/freePort.ts';
import { type Harness, startHarness } from './harness.ts';

const STREAM_BYTES = 4 * 1024 * 1024;
const CHUNK = 64 * 1024;
const STREAM_LIMIT_MS = 120_000;
const FLOOD = 1000;
const LINGER_MS = 3000;

interface Pattern {
  listener: string;
  name: string;
  port: (h: Harness) => number;
  chunk: Buffer;
}

const repeat = (bytes: number[]) => Buffer.alloc(CHUNK, Buffer.from(bytes));

const PATTERNS: Pattern[] = [
  { listener: 'dlt645', name: 'run of 0x68', port: (h) => h.options.dlt645.listen_port, chunk: repeat([0x68]) },
  { listener: 'dlms', name: 'run of 0x00', port: (h) => h.options.dlms.listen_port, chunk: repeat([0x00]) },
  { listener: 'dlms', name: 'runs of 7E A0', port: (h) => h.options.dlms.listen_port, chunk: repeat([0x7e, 0xa0]) },
  { listener: 'dlms', name: 'runs of DB 08', port: (h) => h.options.dlms.listen_port, chunk: repeat([0xdb, 0x08]) },
  { listener: 'http', name: 'request header without end', port: (h) => h.httpPort, chunk: Buffer.alloc(CHUNK, 'X-a: b\r\n') },
];

function healthLatencyMs(port: number): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/api/health', timeout: STREAM_LIMIT_MS }, (res) => {
      res.resume();
      res.on('end', () => resolve(performance.now() - t0));
    });
    req.on('error', () => resolve(performance.now() - t0));
    req.on('timeout', () => req.destroy());
  });
}

/**
 * Stream the pattern until 4 MB have been handed to the bridge: a listener with a byte budget
 * closes each connection early, so the hostile peer connects again, as a real one would.
 */
async function stream(port: number, pattern: Pattern): Promise<{ written: number; connections: number; closedByPeer: number }> {
  const deadline = performance.now() + STREAM_LIMIT_MS;
  let written = 0;
  let connections = 0;
  let closedByPeer = 0;
  while (written < STREAM_BYTES && performance.now() < deadline) {
    connections++;
    const one = await streamOnce(port, pattern, STREAM_BYTES - written, deadline);
    written += one.written;
    if (one.closedByPeer) closedByPeer++;
  }
  return { written, connections, closedByPeer };
}

function streamOnce(port: number, pattern: Pattern, bytes: number, deadline: number): Promise<{ written: number; closedByPeer: boolean }> {
  return new Promise((resolve) => {
    let done = false;
    const socket = net.connect({ host: '127.0.0.1', port, localAddress: '127.0.0.9' });
    const finish = (closedByPeer: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(limit);
      socket.destroy();
      // What the kernel took, not what was queued in this process.
      resolve({ written: socket.bytesWritten, closedByPeer });
    };
    const limit = setTimeout(() => finish(false), Math.max(0, deadline - performance.now()));
    if (pattern.listener === 'http') socket.write('GET /api/health HTTP/1.1\r\nHost: x\r\n');
    let queued = 0;
    const pump = () => {
      while (queued < bytes) {
        queued += CHUNK;
        if (!socket.write(pattern.chunk)) return void socket.once('drain', pump);
      }
      // What the bridge still has to chew on after the last write shows in the probe meanwhile.
      socket.end(() => setTimeout(() => finish(false), LINGER_MS));
    };
    socket.on('connect', pump);
    socket.on('error', () => finish(true));
    socket.on('close', () => finish(true));
  });
}

async function worstHealthWhile(h: Harness, pattern: Pattern): Promise<Record<string, unknown>> {
  let worst = 0;
  let asked = 0;
  let streaming = true;
  const probe = (async () => {
    while (streaming) {
      worst = Math.max(worst, await healthLatencyMs(h.httpPort));
      asked++;
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  const t0 = performance.now();
  const result = await stream(pattern.port(h), pattern);
  const seconds = (performance.now() - t0) / 1000;
  streaming = false;
  await probe;
  return {
    figure: 'health_latency_while_streaming_worst_pattern',
    listener: pattern.listener,
    pattern: pattern.name,
    mb_written: Number((result.written / 1048576).toFixed(2)),
    connections: result.connections,
    closed_by_bridge: result.closedByPeer,
    seconds: Number(seconds.toFixed(2)),
    health_requests: asked,
    health_worst_ms: Number(worst.toFixed(1)),
  };
}

/** 1,000 connections, each from its own loopback address, each announcing a new meter. */
async function flood(h: Harness): Promise<Record<string, unknown>> {
  const port = h.options.dlt645.listen_port;
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

export async function bench(): Promise<Record<string, unknown>[]> {
  const dlmsPort = await freePort();
  const h = await startHarness((o) => {
    o.dlms.listen = true;
    o.dlms.listen_port = dlmsPort;
  });
  const figures: Record<string, unknown>[] = [];
  try {
    for (let i = 0; i < 100 && (await healthLatencyMs(h.httpPort)) > 5000; i++) await new Promise((r) => setTimeout(r, 200));
    await new Promise((r) => setTimeout(r, 3000));
    // The flood first, on a fresh process, so that its memory figure is its own.
    figures.push(await flood(h));
    if (h.exitCode() !== null) throw new Error(`the bridge exited (${h.exitCode()}) during the flood`);
    for (const pattern of PATTERNS) {
      figures.push(await worstHealthWhile(h, pattern));
      if (h.exitCode() !== null) throw new Error(`the bridge exited (${h.exitCode()}) while streaming ${pattern.name}`);
    }
  } finally {
    await h.stop();
  }
  return figures;
}
