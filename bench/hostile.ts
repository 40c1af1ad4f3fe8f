/**
 * Parsers of device input on hostile bytes: throughput (MB/s) on random input and on the worst
 * of several adversarial patterns, one JSON line per parser. Linear parsers keep worst/random
 * above 1/4. Every run is bounded: at most STREAM_BYTES fed, or TIME_BUDGET_MS spent; each
 * figure is the best of RUNS runs, since other work on a shared machine only ever slows one down.
 */
import { Dlt645FrameExtractor } from '../server/protocols/dlt645/extractor.ts';
import { ApduStream } from '../server/protocols/dlms/apduStream.ts';
import { parseSep } from '../server/protocols/ieee2030_5/xml.ts';
import { parseClassicPage } from '../server/protocols/kostal/classicPage.ts';
import { parseDxsResponse } from '../server/protocols/kostal/dxs.ts';
import { encodeFrame } from '../server/protocols/scom/frame.ts';
import { FrameReader } from '../server/protocols/scom/frameReader.ts';
import { decodePayload } from '../server/protocols/victron/payload.ts';
import { kostalPage } from '../test/support/deviceDocuments.ts';

const STREAM_BYTES = 2 << 20;
const CHUNK = 4096;
const TIME_BUDGET_MS = 700;
const RUNS = 3;
/** Documents are measured just under each parser's size cap, so the whole parser runs. */
const DOC_BYTES = 200 * 1024;

/** Deterministic pseudo-random bytes (xorshift), so runs compare. */
function randomBytes(n: number, seed = 0x2545f491): Uint8Array {
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
const rnd = (max: number): number => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed % max;
};

/** `unit` repeated to `n` bytes. */
function tile(unit: Uint8Array, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += unit.length) out.set(unit.subarray(0, Math.min(unit.length, n - i)), i);
  return out;
}

const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b);
const fill = (b: number) => (n: number) => new Uint8Array(n).fill(b);

/** MB/s of a stream parser fed `input` in chunks, stopping at the time budget. */
function streamRate(make: () => { push(chunk: Buffer): unknown }, bytes: Uint8Array): { mbS: number; fed: number } {
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
function docRate(parse: (doc: string) => unknown, doc: string): { mbS: number; fed: number } {
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

interface Suite<T> {
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

function figure<T>(suite: Suite<T>): Record<string, unknown> {
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

function streams(): Record<string, unknown>[] {
  const random = { what: 'random bytes', input: randomBytes(STREAM_BYTES) };
  const dlt645Header = bytes(0x68, 1, 2, 3, 4, 5, 6, 0x68, 0x91, 0xff);
  const scomHeader = encodeFrame({ flags: 0, src: 1, dst: 2, data: new Uint8Array(1100) }).subarray(0, 14);
  const nearScom = Uint8Array.from(encodeFrame({ flags: 0, src: 1, dst: 2, data: new Uint8Array(5) }).subarray(0, 14));
  nearScom[13]! ^= 1;
  const n = STREAM_BYTES;
  return [
    figure({
      parser: 'dlt645_extractor',
      random,
      rate: (input) => streamRate(() => new Dlt645FrameExtractor(), input),
      patterns: {
        startRun: fill(0x68)(n),
        preambleRun: fill(0xfe)(n),
        longHeaders: tile(dlt645Header, n),
        headerThenGarbage: tile(Uint8Array.from([...dlt645Header, ...new Uint8Array(40)]), n),
      },
    }),
    figure({
      parser: 'dlms_apdu_stream',
      random,
      rate: (input) => streamRate(() => new ApduStream(), input),
      patterns: {
        hdlcFlagRun: fill(0x7e)(n),
        mbusStartRun: fill(0x68)(n),
        wrapperZeros: fill(0x00)(n),
        gloTagRun: fill(0xdb)(n),
        wrapperLongLength: tile(bytes(0, 1, 0, 1, 0, 1, 0xff, 0xff), n),
        hdlcLongFrame: tile(bytes(0x7e, 0xa7, 0xff), n),
      },
    }),
    figure({
      parser: 'scom_frame_reader',
      random,
      rate: (input) => streamRate(() => new FrameReader(), input),
      patterns: { startRun: fill(0xaa)(n), headersAnnouncing1100: tile(scomHeader, n), nearHeaders: tile(nearScom, n) },
    }),
  ];
}

const repeatTo = (unit: (i: number) => string, bytes: number): string => {
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const s = unit(i);
    parts.push(s);
    size += s.length;
  }
  return parts.join('');
};

function documents(): Record<string, unknown>[] {
  const page = kostalPage('piko-8.3-index-en-feeding.html').toString('latin1');
  const head = page.slice(0, page.indexOf('</body>'));
  const html = (body: string): string => `${head}${body}</body></html>`;
  const body = DOC_BYTES - page.length;
  const sep = (inner: string): string => `<ReadingList xmlns="urn:ieee:std:2030.5:ns" href="/r" all="1" results="1">${inner}</ReadingList>`;
  const dxs = (entries: string): string => `{"dxsEntries":[${entries}{"dxsId":1,"value":1}],"session":{"sessionId":0},"status":{"code":0}}`;
  const victronBytes = 60 * 1024;
  return [
    figure({
      parser: 'kostal_classic_page',
      random: {
        what: 'a real page with random value rows',
        input: html(
          repeatTo(
            () => `<tr><td>Label ${rnd(99)}</td><td bgcolor="#FFFFFF">${rnd(99999)}</td><td>${['W', 'V', 'kWh'][rnd(3)]}</td></tr>\n`,
            body,
          ),
        ),
      },
      rate: (input) => docRate(parseClassicPage, input),
      patterns: {
        fontsInTable: html(`<table><tr>${repeatTo((i) => `<font id=${i}>x</tr><tr>`, body)}</table>`),
        unclosedFormatting: html(repeatTo(() => '<b><i><font>x', body)),
        nestedTables: html(repeatTo(() => '<table><tr><td>', body)),
        deepUnderlineRuns: html(repeatTo(() => `<tr>${'<u>'.repeat(44)}String 1${'</u>'.repeat(44)}</tr>`, body)),
        misnestedClose: html(`${'<div>'.repeat(44)}${repeatTo(() => '</span>', body)}`),
        attributeRun: html(`<td bgcolor=#ffffff ${repeatTo((i) => `a${i}=1 `, body)}>1</td>`),
        valueCellRun: html(repeatTo(() => '<tr><td>L</td><td bgcolor="#FFFFFF">1</td><td>kWh</td></tr>', body)),
        entityRun: html(repeatTo(() => '&nbsp&amp;&#x41;', body)),
      },
    }),
    figure({
      parser: 'ieee2030_5_xml',
      random: {
        what: 'a ReadingList with random values',
        input: sep(repeatTo((i) => `<Reading href="/r/${i}"><value>${rnd(1e6)}</value><localID>${rnd(99)}</localID></Reading>`, DOC_BYTES)),
      },
      rate: (input) => docRate(parseSep, input),
      patterns: {
        nested: sep(repeatTo(() => `${'<a>'.repeat(30)}${'</a>'.repeat(30)}`, DOC_BYTES)),
        attributeRun: `<DeviceInformation ${repeatTo((i) => `a${i}="1" `, DOC_BYTES)}/>`,
        siblings: sep(repeatTo(() => '<Reading/>', DOC_BYTES)),
        comments: sep(repeatTo(() => '<!--<a>-->', DOC_BYTES)),
        longName: `<DeviceInformation><${'a'.repeat(DOC_BYTES)}/></DeviceInformation>`,
        entityText: sep(`<Reading><value>${repeatTo(() => '&amp;&lt;', DOC_BYTES)}</value></Reading>`),
        openBrackets: '<'.repeat(DOC_BYTES),
      },
    }),
    figure({
      parser: 'kostal_dxs_json',
      random: {
        what: 'a DXS answer with random ids and values',
        input: dxs(repeatTo(() => `{"dxsId":${rnd(1e9)},"value":${rnd(1e6) / 7}},`, DOC_BYTES)),
      },
      rate: (input) => docRate(parseDxsResponse, input),
      patterns: {
        bracketString: dxs(`{"dxsId":2,"value":"${'['.repeat(DOC_BYTES)}"},`),
        escapeRun: dxs(`{"dxsId":2,"value":"${'\\\\'.repeat(DOC_BYTES / 2)}"},`),
        tinyEntries: dxs(repeatTo(() => '{},', DOC_BYTES)),
        shallowLists: dxs(repeatTo(() => '[[[]]],', DOC_BYTES)),
        deep: dxs(`${'['.repeat(DOC_BYTES / 2)}${']'.repeat(DOC_BYTES / 2)},`),
      },
    }),
    figure({
      parser: 'victron_payload',
      random: {
        what: 'a list of random numbers',
        input: `{"value":[${repeatTo(() => `${rnd(1e6) / 3},`, victronBytes)}0]}`,
      },
      rate: (input) => docRate(decodePayload, input),
      patterns: {
        bracketString: `{"value":"${'{'.repeat(victronBytes)}"}`,
        escapeRun: `{"value":"${'\\"'.repeat(victronBytes / 2)}"}`,
        shallowLists: `{"value":[${repeatTo(() => '[[]],', victronBytes)}0]}`,
        deep: `{"value":${'['.repeat(victronBytes / 2)}${']'.repeat(victronBytes / 2)}}`,
      },
    }),
  ];
}

export async function bench(): Promise<Record<string, unknown>[]> {
  return [...streams(), ...documents()];
}
