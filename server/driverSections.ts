import type { Options } from './options/schema.ts';

/** Which option sections belong to which driver, and whether it has anything to do. */
export const DRIVER_SECTIONS: Record<string, { keys: (keyof Options)[]; active(o: Options): boolean }> = {
  dlt645: { keys: ['dlt645', 'dlt645_meters'], active: (o) => o.dlt645.listen || o.dlt645_meters.length > 0 },
  dlms: { keys: ['dlms', 'dlms_meters'], active: (o) => o.dlms.listen || o.dlms_meters.length > 0 },
  itron: { keys: ['itron_meters'], active: (o) => o.itron_meters.length > 0 },
  xtender: { keys: ['xtender'], active: (o) => o.xtender.length > 0 },
  kostal: { keys: ['kostal'], active: (o) => o.kostal.length > 0 },
  victron: { keys: ['victron'], active: (o) => o.victron.length > 0 },
};

export function sectionFingerprint(options: Options, kind: string): string {
  return JSON.stringify(DRIVER_SECTIONS[kind]?.keys.map((k) => options[k]) ?? []);
}
