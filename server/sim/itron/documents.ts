/**
 * The meter's documents: the real crawl (crawl/*.xml, file = path with `/` → `_`) with the
 * live values of the model written into them. Lists honour `s`/`l` like the meter: without
 * `l` a list returns one item. A meter can be re-scaled while it runs (`setPowerOfTen`): its
 * ReadingType then carries the new multiplier and the reading's value is served to that scale.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { serverFile } from '../../serverFiles.ts';
import type { MeterState } from './meterModel.ts';

const CRAWL = serverFile('sim/itron/crawl/');

export type Served = { status: 200; body: string } | { status: 404 };

export class MeterDocuments {
  private readonly files = new Map<string, string>();
  /** powerOfTenMultiplier by MeterReading number (mr N has ReadingType /rt/N), where changed. */
  private readonly powers = new Map<number, number>();

  constructor(private readonly deviceLfdi: string) {
    for (const f of readdirSync(CRAWL).filter((n) => n.endsWith('.xml'))) this.files.set(f, readFileSync(new URL(f, CRAWL), 'utf8'));
  }

  /** MeterReading `mr` (and its ReadingType) is served with `power` as its multiplier from now on. */
  setPowerOfTen(mr: number, power: number): void {
    this.powers.set(mr, power);
  }

  serve(pathWithQuery: string, s: MeterState): Served {
    const url = new URL(pathWithQuery, 'http://meter');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const file = this.fileFor(path, url.searchParams);
    let text = file ? this.files.get(file) : undefined;
    if (text === undefined) return { status: 404 };
    const limit = Number(url.searchParams.get('l') ?? 1);
    if (limit > 1 && file !== 'upt-1-mr-page-s0-l22.xml') text = this.page(path, text, Number(url.searchParams.get('s') ?? 0), limit);
    return { status: 200, body: withTierValues(path, this.live(path, text, s), s) };
  }

  /** A list page built from the crawled item documents `<path>/1…N`. */
  private page(path: string, listText: string, start: number, limit: number): string {
    const base = path.slice(1).replaceAll('/', '_');
    const items: string[] = [];
    for (let k = 1; this.files.has(`${base}_${k}.xml`); k++) {
      items.push(
        this.files
          .get(`${base}_${k}.xml`)!
          .replace(/<\?xml[^>]*\?>\s*/, '')
          .replace(/ xmlns="[^"]*"/, '')
          .trim(),
      );
    }
    if (items.length === 0) return listText;
    const chosen = items.slice(start, start + limit);
    const open = /<(\w+List)\b[^>]*?(?=\/?>)/.exec(listText);
    if (!open) return listText;
    const root = open[0].replace(/results="\d+"/, `results="${chosen.length}"`);
    return `<?xml version="1.0" encoding="UTF-8"?>\n${root}>\n  ${chosen.join('\n  ')}\n</${open[1]}>\n`;
  }

  private fileFor(path: string, q: URLSearchParams): string | undefined {
    const named: Record<string, string> = { '/dcap': 'dcap.xml', '/tm': 'tm.xml', '/sdev': 'sdev.xml', '/sdev/sdi': 'sdev-sdi.xml' };
    if (named[path]) return named[path];
    // The meter's single-item answer is in the crawl; a full page comes from the derived page.
    if (path === '/upt/1/mr' && q.has('l') && Number(q.get('l')) > 1) return 'upt-1-mr-page-s0-l22.xml';
    return `${path.slice(1).replaceAll('/', '_')}.xml`;
  }

  private live(path: string, text: string, s: MeterState): string {
    let body = text.replace(/<!--[\s\S]*?-->\s*/g, '');
    const rt = /^\/rt\/(\d+)$/.exec(path);
    const rtPower = rt ? this.powers.get(Number(rt[1])) : undefined;
    if (rtPower !== undefined)
      body = body.replace(/<powerOfTenMultiplier>-?\d+<\/powerOfTenMultiplier>/, `<powerOfTenMultiplier>${rtPower}</powerOfTenMultiplier>`);
    if (path === '/sdev/sdi') body = body.replace(/<lFDI>[^<]*<\/lFDI>/, `<lFDI>${this.deviceLfdi}</lFDI>`);
    const value = valueFor(path, s);
    if (value !== undefined) {
      const mr = Number(/^\/upt\/1\/mr\/(\d+)\//.exec(path)?.[1]);
      const scaled = value / 10 ** (this.powers.get(mr) ?? 0);
      body = body
        .replace(/<value>-?\d+<\/value>/, `<value>${Math.floor(scaled)}</value>`)
        .replace(/<start>\d+<\/start>/, `<start>${s.time}</start>`);
    }
    if (/\/upt\/1\/mr\/(1|17|18|19)\/r$/.test(path)) body = body.replace(/<start>\d+<\/start>/, `<start>${s.time}</start>`);
    return body;
  }
}

/** Values for TOU tiers 1 and 2 (items r/2, r/3 of the TOU lists) when the model has a tiered tariff. */
function withTierValues(path: string, body: string, s: MeterState): string {
  const m = /^\/upt\/1\/mr\/(8|9)\/rs\/1\/r(?:\/\d+)?$/.exec(path);
  const tiers = m ? (m[1] === '8' ? s.touReceivedWh : s.touDeliveredWh) : null;
  if (!tiers) return body;
  return body.replace(
    /(<touTier>([12])<\/touTier>)(\s*)(<\/Reading>)/g,
    (_all, tierTag: string, tier: string, space: string, close: string) =>
      `${tierTag}${space}<value>${Math.floor(tiers[tier === '1' ? 0 : 1])}</value>${space}${close}`,
  );
}

/** Which model value a path carries (tier 0 of the TOU lists is the total). */
function valueFor(path: string, s: MeterState): number | undefined {
  const m = /^\/upt\/1\/mr\/(\d+)\/(r|rs\/1\/r(?:\/1)?)$/.exec(path);
  if (!m) return undefined;
  switch (Number(m[1])) {
    case 1:
      return Math.max(0, s.netPowerW);
    case 2:
    case 8:
      return s.receivedWh;
    case 3:
    case 9:
      return s.deliveredWh;
    case 4:
      return s.vahReceived;
    case 5:
      return s.vahDelivered;
    case 6:
      return s.varhReceived;
    case 7:
      return s.varhDelivered;
    case 18:
      return s.maxDemandDeliveredW;
    case 19:
      return s.powerFactorMilli;
    default:
      return undefined;
  }
}
