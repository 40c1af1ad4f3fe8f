/**
 * The endpoint tables of the old bridge (xcel_itron2mqtt `endpoints_3_2_39.yaml` and
 * `endpoints_3_2_50.yaml`), with the ReadingTypes those paths carry on real meters
 * (protocols/ieee2030-5.md §6.1). Used when walking the meter's resource tree fails.
 */
import type { ReadingType } from './resources.ts';

export interface KnownEndpoint {
  path: string;
  description: string;
  readingType: ReadingType;
  /** Time-of-use tier for TOU list items (0 = not a tier). */
  tier: number;
}

type Signature = [accumulation: number, qualifier: number, flow: number, kind: number, phase: number, multiplier: number, uom: number];

function rt(
  [accumulationBehaviour, dataQualifier, flowDirection, kind, phase, powerOfTenMultiplier, uom]: Signature,
  tiers = 0,
): ReadingType {
  return {
    type: 'ReadingType',
    href: null,
    accumulationBehaviour,
    commodity: 1,
    dataQualifier,
    flowDirection,
    kind,
    phase,
    powerOfTenMultiplier,
    uom,
    numberOfTouTiers: tiers,
    intervalLength: null,
  };
}

const DEMAND: Signature = [12, 0, 1, 8, 0, 0, 38];
const WH_RECEIVED: Signature = [9, 0, 19, 12, 0, 0, 72];
const WH_DELIVERED: Signature = [9, 0, 1, 12, 0, 0, 72];

const FW_3_2_39: KnownEndpoint[] = [
  { path: '/upt/1/mr/1/r', description: 'Instantaneous Demand', readingType: rt(DEMAND), tier: 0 },
  { path: '/upt/1/mr/2/rs/1/r/1', description: 'Current Summation Received', readingType: rt(WH_RECEIVED), tier: 0 },
  { path: '/upt/1/mr/3/rs/1/r/1', description: 'Current Summation Delivered', readingType: rt(WH_DELIVERED), tier: 0 },
];

const FW_3_2_50: KnownEndpoint[] = [
  ...FW_3_2_39,
  { path: '/upt/1/mr/4/r', description: 'VAh Received', readingType: rt([9, 0, 19, 12, 0, 0, 71]), tier: 0 },
  { path: '/upt/1/mr/5/r', description: 'VAh Delivered', readingType: rt([9, 0, 1, 12, 0, 0, 71]), tier: 0 },
  { path: '/upt/1/mr/6/r', description: 'VARh Received', readingType: rt([9, 0, 19, 12, 0, 0, 73]), tier: 0 },
  { path: '/upt/1/mr/7/r', description: 'VARh Delivered', readingType: rt([9, 0, 1, 12, 0, 0, 73]), tier: 0 },
  ...[1, 2, 3].map((tier) => ({
    path: `/upt/1/mr/8/rs/1/r/${tier + 1}`,
    description: 'TOU WH Received',
    readingType: rt(WH_RECEIVED, 8),
    tier,
  })),
  ...[1, 2, 3].map((tier) => ({
    path: `/upt/1/mr/9/rs/1/r/${tier + 1}`,
    description: 'TOU WH Delivered',
    readingType: rt(WH_DELIVERED, 8),
    tier,
  })),
  { path: '/upt/1/mr/17/r', description: 'Max Demand Received', readingType: rt([12, 8, 19, 8, 0, 0, 38]), tier: 0 },
  { path: '/upt/1/mr/18/r', description: 'Max Demand Delivered', readingType: rt([12, 8, 1, 8, 0, 0, 38]), tier: 0 },
  { path: '/upt/1/mr/19/r', description: 'Power Factor', readingType: rt([12, 0, 0, 0, 224, -3, 65]), tier: 0 },
  { path: '/upt/1/mr/20/r', description: 'Power Factor PhaseA', readingType: rt([12, 0, 0, 0, 128, -3, 65]), tier: 0 },
  { path: '/upt/1/mr/21/r', description: 'Power Factor PhaseB', readingType: rt([12, 0, 0, 0, 64, -3, 65]), tier: 0 },
  { path: '/upt/1/mr/22/r', description: 'Power Factor PhaseC', readingType: rt([12, 0, 0, 0, 32, -3, 65]), tier: 0 },
];

interface FirmwareTable {
  version: number[];
  endpoints: KnownEndpoint[];
}

/** Never empty: the lowest is the fallback. */
const TABLES: [FirmwareTable, ...FirmwareTable[]] = [
  { version: [3, 2, 39], endpoints: FW_3_2_39 },
  { version: [3, 2, 50], endpoints: FW_3_2_50 },
];

/**
 * The old bridge's rule: the highest table ≤ swVer with the same major.minor, else the
 * highest ≤ swVer, else the lowest.
 */
export function knownEndpointsFor(swVer: string | null): { version: string; endpoints: KnownEndpoint[] } {
  const v = (swVer ?? '').split('.').map((p) => Number.parseInt(p, 10) || 0);
  const notAbove = TABLES.filter((t) => compare(t.version, v) <= 0);
  const sameMinor = notAbove.filter((t) => t.version[0] === v[0] && t.version[1] === v[1]);
  const pick = sameMinor.at(-1) ?? notAbove.at(-1) ?? TABLES[0];
  return { version: pick.version.join('.'), endpoints: pick.endpoints };
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < 3; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
