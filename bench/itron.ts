/**
 * Itron / IEEE 2030.5 figures against the simulator on loopback (real TLS 1.2, CCM8, client
 * certificate): one poll cycle over every endpoint the meter offers, and TLS sessions
 * (full handshakes + resumptions) per 100 poll cycles with the kept-alive connection versus
 * a fresh session per request.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateAndStore, loadClientCredentials } from '../server/certs/store.ts';
import { createLogger } from '../server/core/logger.ts';
import { learnLayout } from '../server/drivers/itron/layout.ts';
import { MeterClient } from '../server/drivers/itron/meterClient.ts';
import { XMLParser } from 'fast-xml-parser';
import { parseSep } from '../server/protocols/ieee2030_5/xml.ts';
import { startItronSim } from '../server/sim/itron/server.ts';
import { DOC_BYTES, docRate, figure, repeatTo, rnd } from './hostileInput.ts';
import { ITRON_CRAWL, itronDocument } from '../test/support/deviceDocuments.ts';

const RUN_MS = 1500;

/** The real meter crawl (server/sim/itron/crawl), parsed in a loop; fast-xml-parser alone is the baseline. */
function documentsPerSecond(): Record<string, unknown>[] {
  const docs = ITRON_CRAWL.map((e) => itronDocument(e.file));
  const rate = (parse: (text: string) => unknown) => {
    let n = 0;
    const started = performance.now();
    while (performance.now() - started < RUN_MS) {
      for (const d of docs) parse(d);
      n += docs.length;
    }
    return n / ((performance.now() - started) / 1000);
  };
  const ours = rate(parseSep);
  const bare = new XMLParser();
  const baseline = rate((t) => bare.parse(t));
  return [
    {
      figure: 'ieee2030_5_documents_parsed_per_s',
      value: Math.round(ours),
      unit: 'per_s',
      documents: docs.length,
      baseline_fast_xml_parser_per_s: Math.round(baseline),
      ratio: round(ours / baseline),
    },
  ];
}

export async function bench(): Promise<Record<string, unknown>[]> {
  const dir = await mkdtemp(path.join(tmpdir(), 'wattwire-bench-itron-'));
  const sim = await startItronSim({ registered: 'any' });
  try {
    await generateAndStore(dir);
    const creds = (await loadClientCredentials(dir))!;
    const connect = (keepAlive: boolean) =>
      new MeterClient({ host: '127.0.0.1', port: sim.port, certPem: creds.certPem, keyPem: creds.keyPem, keepAlive });
    const layoutClient = connect(true);
    const layout = await learnLayout(layoutClient, createLogger('silent'));
    layoutClient.close();
    const paths = [...new Set([...layout.points.map((p) => p.path), ...layout.touLists.map((t) => t.path)])];

    /** Poll cycles over every endpoint, for `cycles` cycles or until `ms` have passed. */
    const run = async (keepAlive: boolean, limit: { cycles?: number; ms?: number }) => {
      const client = connect(keepAlive);
      let cycles = 0;
      const started = performance.now();
      while (cycles < (limit.cycles ?? Infinity) && performance.now() - started < (limit.ms ?? Infinity)) {
        for (const p of paths) parseSep(await client.get(p));
        cycles++;
      }
      const ms = performance.now() - started;
      client.close();
      const sessions = client.stats.handshakes + client.stats.resumedSessions;
      return { cycleMs: ms / cycles, sessionsPer100: (sessions / cycles) * 100, full: client.stats.handshakes, cycles };
    };
    const kept = await run(true, { cycles: 100 });
    const fresh = await run(false, { ms: RUN_MS });
    return [
      ...documentsPerSecond(),
      { figure: 'itron_poll_cycle_ms', value: round(kept.cycleMs), unit: 'ms', endpoints: paths.length, keepAlive: true },
      {
        figure: 'itron_poll_cycle_ms_fresh_tls_per_request',
        value: round(fresh.cycleMs),
        unit: 'ms',
        endpoints: paths.length,
        keepAlive: false,
      },
      { figure: 'itron_poll_cycle_speedup_keepalive', value: round(fresh.cycleMs / kept.cycleMs), unit: 'ratio' },
      {
        figure: 'itron_tls_handshakes_per_100_polls',
        value: round(kept.sessionsPer100),
        unit: 'per_100_poll_cycles',
        cycles: kept.cycles,
        fullHandshakes: kept.full,
      },
      {
        figure: 'itron_tls_handshakes_per_100_polls_fresh_tls_per_request',
        value: round(fresh.sessionsPer100),
        unit: 'per_100_poll_cycles',
        cycles: fresh.cycles,
        fullHandshakes: fresh.full,
      },
      { figure: 'itron_layout_source', value: layout.source, unit: 'text' },
    ];
  } finally {
    await sim.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

/** The 2030.5 XML parser on hostile documents (`npm run bench -- hostile`). */
export function hostileFigures(): Record<string, unknown>[] {
  const sep = (inner: string): string => `<ReadingList xmlns="urn:ieee:std:2030.5:ns" href="/r" all="1" results="1">${inner}</ReadingList>`;
  return [
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
  ];
}
