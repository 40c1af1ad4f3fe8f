import type { z } from 'zod';
import { dlmsListedKey } from './drivers/dlms/options.ts';
import { dlt645ListedKey } from './drivers/dlt645/options.ts';
import { itronListedKey } from './drivers/itron/options.ts';
import { kostalListedKey } from './drivers/kostal/options.ts';
import { victronListedKey } from './drivers/victron/options.ts';
import { xtenderListedKey } from './drivers/xtender/options.ts';
import { deviceSchemas, type Options } from './options/schema.ts';

/** The items of a device list that are valid (a wrong one is reported and skipped by its driver). */
function valid<T>(schema: z.ZodType<T>, items: unknown[]): T[] {
  return items.flatMap((item) => {
    const parsed = schema.safeParse(item);
    return parsed.success ? [parsed.data] : [];
  });
}

/**
 * Which option sections belong to which driver, whether it has anything to do, the poll
 * intervals (s) it runs at (none for a driver whose devices push) and the entries its devices
 * come from (`DeviceInfo.listed`).
 */
export const DRIVER_SECTIONS: Record<
  string,
  { keys: (keyof Options)[]; active(o: Options): boolean; pollIntervals(o: Options): number[]; listedKeys(o: Options): string[] }
> = {
  dlt645: {
    keys: ['dlt645', 'dlt645_meters'],
    active: (o) => o.dlt645.listen || o.dlt645_meters.length > 0,
    pollIntervals: (o) => [o.dlt645.poll_interval],
    listedKeys: (o) => valid(deviceSchemas.dlt645_meters, o.dlt645_meters).map((m) => dlt645ListedKey(m.address)),
  },
  dlms: {
    keys: ['dlms', 'dlms_meters'],
    active: (o) => o.dlms.listen || o.dlms_meters.length > 0,
    pollIntervals: (o) =>
      valid(deviceSchemas.dlms_meters, o.dlms_meters)
        .filter((m) => m.mode === 'poll')
        .map((m) => m.poll_interval),
    listedKeys: (o) => valid(deviceSchemas.dlms_meters, o.dlms_meters).map(dlmsListedKey),
  },
  itron: {
    keys: ['itron_meters'],
    active: (o) => o.itron_meters.length > 0,
    pollIntervals: (o) => valid(deviceSchemas.itron_meters, o.itron_meters).map((m) => m.poll_interval),
    listedKeys: (o) => valid(deviceSchemas.itron_meters, o.itron_meters).map(itronListedKey),
  },
  xtender: {
    keys: ['xtender'],
    active: (o) => o.xtender.length > 0,
    pollIntervals: (o) => valid(deviceSchemas.xtender, o.xtender).flatMap((x) => [x.poll_interval, x.fast_poll_interval]),
    listedKeys: (o) => valid(deviceSchemas.xtender, o.xtender).map(xtenderListedKey),
  },
  kostal: {
    keys: ['kostal'],
    active: (o) => o.kostal.length > 0,
    pollIntervals: (o) => valid(deviceSchemas.kostal, o.kostal).map((k) => k.poll_interval),
    listedKeys: (o) => valid(deviceSchemas.kostal, o.kostal).map(kostalListedKey),
  },
  victron: {
    keys: ['victron'],
    active: (o) => o.victron.length > 0,
    pollIntervals: () => [],
    listedKeys: (o) => valid(deviceSchemas.victron, o.victron).map(victronListedKey),
  },
};

export function sectionFingerprint(options: Options, kind: string): string {
  return JSON.stringify(DRIVER_SECTIONS[kind]?.keys.map((k) => options[k]) ?? []);
}
