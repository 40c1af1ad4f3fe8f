/**
 * Learn what a meter offers: walk /upt → MeterReadingList → ReadingTypes (and the TOU tier
 * lists), as protocols/ieee2030-5.md §10 describes. When the walk fails part-way (meters
 * time out or send empty bodies), the old bridge's firmware table is the known-good default.
 */
import type { Logger } from '../../core/logger.ts';
import { knownEndpointsFor } from '../../protocols/ieee2030_5/firmwareTables.ts';
import { describe, pointsFromKnownEndpoints, withUniqueKeys, type PollPoint } from './pollPlan.ts';
import { isTouReading, quantityOf } from './quantities.ts';
import type { DeviceInformation, ReadingType, SepResource, SepType } from '../../protocols/ieee2030_5/resources.ts';
import { parseSepAs } from '../../protocols/ieee2030_5/xml.ts';
import { MeterError } from './diagnosis.ts';
import type { MeterClient } from './meterClient.ts';

/** A TOU ReadingList polled whole; tiers get registers once they carry a value. */
export interface TouList {
  path: string;
  readingType: ReadingType;
  description: string | null;
}

export interface MeterLayout {
  info: DeviceInformation;
  points: PollPoint[];
  touLists: TouList[];
  source: 'resource tree' | 'firmware table';
  firmwareTable?: string;
  /** Why the walk fell back, for the diagnostics. */
  walkError?: string;
}

const PAGE = 32;

/** What the walk needs of a meter connection: a real MeterClient, or the crawled documents in tests. */
export type ResourceSource = Pick<MeterClient, 'get' | 'where'>;

export async function fetchAs<T extends SepType>(
  client: ResourceSource,
  path: string,
  type: T,
): Promise<Extract<SepResource, { type: T }>> {
  const body = await client.get(path);
  const r = parseSepAs(body, type);
  if (!r.ok) throw new MeterError('bad_response', `${client.where}${path}: ${r.error}`);
  return r.value;
}

export async function learnLayout(client: ResourceSource, log: Logger): Promise<MeterLayout> {
  const info = await fetchAs(client, '/sdev/sdi', 'DeviceInformation');
  try {
    const { points, touLists } = await walkTree(client);
    if (points.length === 0 && touLists.length === 0) throw new Error('the resource tree offers no live readings');
    return { info, points, touLists, source: 'resource tree' };
  } catch (err) {
    // A dead link is a reason to stop, not to fall back to a table it could not serve either.
    if (err instanceof MeterError && err.code !== 'bad_response' && err.code !== 'http_error') throw err;
    const table = knownEndpointsFor(info.swVer);
    log.warn(
      { meter: client.where, err: (err as Error).message, table: table.version },
      'resource tree walk failed; using the firmware endpoint table',
    );
    return {
      info,
      points: pointsFromKnownEndpoints(table.endpoints),
      touLists: [],
      source: 'firmware table',
      firmwareTable: table.version,
      walkError: (err as Error).message,
    };
  }
}

async function walkTree(client: ResourceSource): Promise<{ points: PollPoint[]; touLists: TouList[] }> {
  const upts = await fetchAs(client, `/upt?s=0&l=${PAGE}`, 'UsagePointList');
  const upt = upts.items.find((u) => u.serviceCategoryKind === 0 && u.status === 1) ?? upts.items[0];
  if (!upt?.meterReadingListLink) throw new MeterError('bad_response', 'no electricity UsagePoint with a MeterReadingListLink');
  const mrs = [];
  for (let s = 0; ; ) {
    const page = await fetchAs(client, `${upt.meterReadingListLink}?s=${s}&l=${PAGE}`, 'MeterReadingList');
    mrs.push(...page.items);
    s += page.items.length;
    if (page.items.length === 0 || s >= page.all) break;
  }
  const types = new Map<string, ReadingType>();
  const points: PollPoint[] = [];
  const touLists: TouList[] = [];
  for (const mr of mrs) {
    if (!mr.readingTypeLink) continue;
    let rt = types.get(mr.readingTypeLink);
    if (!rt) {
      rt = await fetchAs(client, mr.readingTypeLink, 'ReadingType');
      types.set(mr.readingTypeLink, rt);
    }
    if (isTouReading(mr.description, rt)) {
      const list = await touList(client, mr.readingSetListLink, rt);
      if (list) touLists.push({ ...list, description: mr.description });
      continue;
    }
    const q = mr.readingLink ? quantityOf(rt) : null;
    if (q && mr.readingLink)
      points.push({ path: mr.readingLink, tier: 0, readingType: rt, quantity: describe(q, mr.description, mr.readingLink) });
  }
  return { points: withUniqueKeys(points), touLists };
}

/** The ReadingList of the newest ReadingSet, asked for every tier at once. */
async function touList(client: ResourceSource, setListLink: string | null, rt: ReadingType): Promise<Omit<TouList, 'description'> | null> {
  if (!setListLink) return null;
  const sets = await fetchAs(client, `${setListLink}?s=0&l=1`, 'ReadingSetList');
  const link = sets.items[0]?.readingListLink;
  return link ? { path: `${link}?s=0&l=${Math.max(rt.numberOfTouTiers, 1) + 1}`, readingType: rt } : null;
}

/** Points for the tiers of a polled TOU list that carry a value. */
export function touPoints(list: TouList, resource: SepResource): PollPoint[] {
  if (resource.type !== 'ReadingList') return [];
  return resource.items.flatMap((r) => {
    if (!r.touTier || r.value === null) return [];
    const q = quantityOf(list.readingType, r.touTier);
    return q
      ? [
          {
            path: list.path,
            tier: r.touTier,
            readingType: list.readingType,
            quantity: describe(q, list.description, `${list.path}#tier${r.touTier}`),
          },
        ]
      : [];
  });
}
