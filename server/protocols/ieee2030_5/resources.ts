/** The IEEE 2030.5 resources a metering client reads (protocols/ieee2030-5.md §7), as typed values. */

export interface ListPage<T> {
  href: string | null;
  /** Total number of items on the server. */
  all: number;
  /** Items in this page. */
  results: number;
  items: T[];
}

export interface DeviceInformation {
  type: 'DeviceInformation';
  href: string | null;
  lfdi: string | null;
  swVer: string | null;
  mfID: string | null;
  mfModel: string | null;
  mfSerNum: string | null;
  mfHwVer: string | null;
}

export interface UsagePoint {
  href: string | null;
  mRID: string | null;
  description: string | null;
  serviceCategoryKind: number | null;
  status: number | null;
  meterReadingListLink: string | null;
}

export interface MeterReading {
  href: string | null;
  mRID: string | null;
  description: string | null;
  readingLink: string | null;
  readingSetListLink: string | null;
  readingTypeLink: string | null;
}

export interface ReadingType {
  type: 'ReadingType';
  href: string | null;
  accumulationBehaviour: number;
  commodity: number;
  dataQualifier: number;
  flowDirection: number;
  kind: number;
  /** Absent counts as 0 (n/a). */
  phase: number;
  powerOfTenMultiplier: number;
  uom: number;
  numberOfTouTiers: number;
  intervalLength: number | null;
}

export interface Reading {
  type: 'Reading';
  href: string | null;
  /** Raw Int48; null when the meter sent no value. */
  value: number | null;
  /** HexBinary16 bitmap; bit 0 = valid. Null when absent. */
  qualityFlags: number | null;
  start: number | null;
  duration: number | null;
  touTier: number | null;
  localID: string | null;
}

export interface ReadingSet {
  href: string | null;
  description: string | null;
  start: number | null;
  duration: number | null;
  readingListLink: string | null;
}

export type SepResource =
  | DeviceInformation
  | ReadingType
  | Reading
  | ({ type: 'UsagePoint' } & UsagePoint)
  | ({ type: 'MeterReading' } & MeterReading)
  | ({ type: 'ReadingSet' } & ReadingSet)
  | ({ type: 'UsagePointList' } & ListPage<UsagePoint>)
  | ({ type: 'MeterReadingList' } & ListPage<MeterReading>)
  | ({ type: 'ReadingSetList' } & ListPage<ReadingSet>)
  | ({ type: 'ReadingList' } & ListPage<Reading>);

export type SepType = SepResource['type'];
