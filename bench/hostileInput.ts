/**
 * How the hostile-input bench measures a parser of device input: throughput (MB/s) on random
 * input and on the worst of several adversarial patterns, one figure per parser. Linear parsers
 * keep worst/random above 1/4. Every run is bounded: at most STREAM_BYTES fed, or TIME_BUDGET_MS
 * spent; each figure is the best of RUNS runs, since other work on a shared machine only ever
 * slows one down. Each driver's `bench/<kind>.ts` exports `hostileFigures()` built with these.
 */

export const STREAM_BYTES = 2 << 20;
const CHUNK = 4096;
const TIME_BUDGET_MS = 700;
const RUNS = 3;
/** Documents are measured just under each parser's size cap, so the whole parser runs. */
export const DOC_BYTES = 200 * 1024;

/** Deterministic pseudo-random bytes (xorshift), so runs compare. */
export function randomBytes(n: number, seed = 0x2545f491): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

let seed = 1;
export const rnd = (max: number): number => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed % max;
};

/** `unit` repeated to `n` bytes. */
export function tile(unit: Uint8Array, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += unit.length) out.set(unit.subarray(0, Math.min(unit.length, n - i)), i);
  return out;
}

export const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b);
export const fill = (b: number) => (n: number) => new Uint8Array(n).fill(b);

/** MB/s of a stream parser fed `input` in chunks, stopping at the time budget. */
export function streamRate(make: () => { push(chunk: Buffer): unknown }, bytes: Uint8Array): { mbS: number; fed: number } {
  // Sockets hand parsers Buffers; so does the bench.
  const input = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const warm = make();
  const warmUntil = performance.now() + TIME_BUDGET_MS / 4;
  for (let i = 0; i < 64 * CHUNK && i < input.length && performance.now() < warmUntil; i += CHUNK) warm.push(input.subarray(i, i + CHUNK));
  const parser = make();
  const start = performance.now();
  let fed = 0;
  while (fed < input.length && performance.now() - start < TIME_BUDGET_MS) {
    parser.push(input.subarray(fed, fed + CHUNK));
    fed += CHUNK;
  }
  const s = (performance.now() - start) / 1000;
  return { mbS: fed / (1 << 20) / s, fed };
}

/** MB/s of a document parser called on `doc` repeatedly, up to STREAM_BYTES or the time budget. */
export function docRate(parse: (doc: string) => unknown, doc: string): { mbS: number; fed: number } {
  parse(doc);
  const start = performance.now();
  let fed = 0;
  do {
    parse(doc);
    fed += doc.length;
  } while (fed < STREAM_BYTES && performance.now() - start < TIME_BUDGET_MS);
  const s = (performance.now() - start) / 1000;
  return { mbS: fed / (1 << 20) / s, fed };
}

export interface Suite<T> {
  parser: string;
  random: { what: string; input: T };
  patterns: Record<string, T>;
  rate(input: T): { mbS: number; fed: number };
}

function bestOf<T>(suite: Suite<T>, input: T): { mbS: number } {
  let best = 0;
  for (let i = 0; i < RUNS; i++) best = Math.max(best, suite.rate(input).mbS);
  return { mbS: best };
}

export function figure<T>(suite: Suite<T>): Record<string, unknown> {
  const random = bestOf(suite, suite.random.input);
  const patterns: Record<string, number> = {};
  let worst = { name: '', mbS: Number.POSITIVE_INFINITY };
  for (const [name, input] of Object.entries(suite.patterns)) {
    const r = bestOf(suite, input);
    patterns[name] = round(r.mbS);
    if (r.mbS < worst.mbS) worst = { name, mbS: r.mbS };
  }
  return {
    figure: `hostile_${suite.parser}_mb_per_s`,
    random_mb_s: round(random.mbS),
    random_input: suite.random.what,
    worst_mb_s: round(worst.mbS),
    worst_pattern: worst.name,
    worst_vs_random: Number((worst.mbS / random.mbS).toFixed(3)),
    patterns,
  };
}

const round = (v: number): number => Number(v.toPrecision(3));

export const repeatTo = (unit: (i: number) => string, bytes: number): string => {
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const s = unit(i);
    parts.push(s);
    size += s.length;
  }
  return parts.join('');
};

/** Random bytes, the baseline every stream parser's patterns are compared with. */
export const randomStream = (): { what: string; input: Uint8Array } => ({ what: 'random bytes', input: randomBytes(STREAM_BYTES) });
