/**
 * Hostile peers against the running bridge (a child process, every simulator beside it):
 * one connection streams 4 MB of a listener's worst byte pattern while `/api/health` is
 * asked every 20 ms (its worst latency is what every other user of the add-on waits), and
 * a flood of 1,000 connections, each from its own loopback address and announcing a new
 * meter, measures what one connection costs in memory. Loopback only, bounded in time.
 */
import http from 'node:http';
import net from 'node:net';
import { DRIVER_DEFINITIONS } from '../server/drivers/registry.ts';
import type { Options } from '../server/options/schema.ts';
import { type Harness, startHarness } from './harness.ts';

const STREAM_BYTES = 4 * 1024 * 1024;
const CHUNK = 64 * 1024;
const STREAM_LIMIT_MS = 120_000;
const LINGER_MS = 3000;

/** What a driver's `bench/<kind>.ts` says about its listener (`export const hostileListener`). */
export interface HostileListener {
  /** Turns the listener on in the harness's options (it is already on a free port). */
  listen?(options: Options): void;
  port(options: Options): number;
  /** Its worst byte patterns, each repeated for 4 MB. */
  patterns: { name: string; bytes: number[] }[];
  /** A flood of connections against it, measured. */
  flood?(h: Harness, port: number): Promise<Record<string, unknown>>;
}

interface Pattern {
  listener: string;
  name: string;
  port: (h: Harness) => number;
  chunk: Buffer;
}

const repeat = (bytes: number[]) => Buffer.alloc(CHUNK, Buffer.from(bytes));

const HTTP_PATTERN: Pattern = {
  listener: 'http',
  name: 'request header without end',
  port: (h) => h.httpPort,
  chunk: Buffer.alloc(CHUNK, 'X-a: b\r\n'),
};

export function healthLatencyMs(port: number): Promise<number> {
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

async function hostileListeners(): Promise<{ kind: string; listener: HostileListener }[]> {
  const out: { kind: string; listener: HostileListener }[] = [];
  for (const { kind } of DRIVER_DEFINITIONS) {
    const suite = (await import(`./${kind}.ts`)) as { hostileListener?: HostileListener };
    if (suite.hostileListener) out.push({ kind, listener: suite.hostileListener });
  }
  return out;
}

export async function bench(): Promise<Record<string, unknown>[]> {
  const listeners = await hostileListeners();
  const h = await startHarness((o) => {
    for (const { listener } of listeners) listener.listen?.(o);
  });
  const patterns: Pattern[] = [
    ...listeners.flatMap(({ kind, listener }) =>
      listener.patterns.map((p) => ({
        listener: kind,
        name: p.name,
        port: (h: Harness) => listener.port(h.options),
        chunk: repeat(p.bytes),
      })),
    ),
    HTTP_PATTERN,
  ];
  const figures: Record<string, unknown>[] = [];
  try {
    for (let i = 0; i < 100 && (await healthLatencyMs(h.httpPort)) > 5000; i++) await new Promise((r) => setTimeout(r, 200));
    await new Promise((r) => setTimeout(r, 3000));
    // Floods first, on a fresh process, so that their memory figures are their own.
    for (const { kind, listener } of listeners) {
      if (!listener.flood) continue;
      figures.push(await listener.flood(h, listener.port(h.options)));
      if (h.exitCode() !== null) throw new Error(`the bridge exited (${h.exitCode()}) during the ${kind} flood`);
    }
    for (const pattern of patterns) {
      figures.push(await worstHealthWhile(h, pattern));
      if (h.exitCode() !== null) throw new Error(`the bridge exited (${h.exitCode()}) while streaming ${pattern.name}`);
    }
  } finally {
    await h.stop();
  }
  return figures;
}
