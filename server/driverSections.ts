import type { z } from 'zod';
import { deviceSchemas, type Options } from './options/schema.ts';

/** The items of a device list that are valid (a wrong one is reported and skipped by its driver). */
function valid<T>(schema: z.ZodType<T>, items: unknown[]): T[] {
  return items.flatMap((item) => {
    const parsed = schema.safeParse(item);
    return parsed.success ? [parsed.data] : [];
  });
}

/**
 * Which option sections belong to which driver, whether it has anything to do, and the poll
 * intervals (s) it runs at (none for a driver whose devices push).
 */
export const DRIVER_SECTIONS: Record<
  string,
  { keys: (keyof Options)[]; active(o: Options): boolean; pollIntervals(o: Options): number[] }
> = {
  dlt645: {
    keys: ['dlt645', 'dlt645_meters'],
    active: (o) => o.dlt645.listen || o.dlt645_meters.length > 0,
    pollIntervals: (o) => [o.dlt645.poll_interval],
  },
  dlms: {
    keys: ['dlms', 'dlms_meters'],
    active: (o) => o.dlms.listen || o.dlms_meters.length > 0,
    pollIntervals: (o) =>
      valid(deviceSchemas.dlms_meters, o.dlms_meters)
        .filter((m) => m.mode === 'poll')
        .map((m) => m.poll_interval),
  },
  itron: {
    keys: ['itron_meters'],
    active: (o) => o.itron_meters.length > 0,
    pollIntervals: (o) => valid(deviceSchemas.itron_meters, o.itron_meters).map((m) => m.poll_interval),
  },
  xtender: {
    keys: ['xtender'],
    active: (o) => o.xtender.length > 0,
    pollIntervals: (o) => valid(deviceSchemas.xtender, o.xtender).flatMap((x) => [x.poll_interval, x.fast_poll_interval]),
  },
  kostal: {
    keys: ['kostal'],
    active: (o) => o.kostal.length > 0,
    pollIntervals: (o) => valid(deviceSchemas.kostal, o.kostal).map((k) => k.poll_interval),
  },
  victron: { keys: ['victron'], active: (o) => o.victron.length > 0, pollIntervals: () => [] },
};

export function sectionFingerprint(options: Options, kind: string): string {
  return JSON.stringify(DRIVER_SECTIONS[kind]?.keys.map((k) => options[k]) ?? []);
}
