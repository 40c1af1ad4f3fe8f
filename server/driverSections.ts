/**
 * What the options say about each driver, derived from its definition: whether it has
 * anything to do, the intervals it polls at, and the entries its devices come from.
 */
import type { DriverDefinition } from './drivers/definition.ts';
import type { Options } from './options/schema.ts';

/** The items of a device list that are valid (a wrong one is reported and skipped by its driver). */
function validDevices(options: Options, definition: DriverDefinition): Record<string, unknown>[] {
  const items = (options as Record<string, unknown>)[definition.devices.key];
  if (!Array.isArray(items)) return [];
  return items.flatMap((item: unknown) => {
    const parsed = definition.devices.item.safeParse(item);
    return parsed.success ? [parsed.data] : [];
  });
}

function settings(options: Options, definition: DriverDefinition): unknown {
  return definition.settings ? (options as Record<string, unknown>)[definition.settings.key] : undefined;
}

/** A listed entry, valid or not, starts the driver: it reports the wrong ones by name. */
export function driverActive(options: Options, definition: DriverDefinition): boolean {
  const items = (options as Record<string, unknown>)[definition.devices.key];
  if (Array.isArray(items) && items.length > 0) return true;
  return definition.listening?.(settings(options, definition) as never) ?? false;
}

export function pollIntervals(options: Options, definition: DriverDefinition): number[] {
  return definition.pollIntervals(validDevices(options, definition), settings(options, definition) as never);
}

/** Built once per options object: the start-up sweep asks it for every remembered device. */
const LISTED = new WeakMap<Options, Map<DriverDefinition, ReadonlySet<string>>>();

/** The `DeviceInfo.listed` keys of the entries in the options now. */
export function listedKeys(options: Options, definition: DriverDefinition): ReadonlySet<string> {
  let byDefinition = LISTED.get(options);
  if (!byDefinition) {
    byDefinition = new Map();
    LISTED.set(options, byDefinition);
  }
  let keys = byDefinition.get(definition);
  if (!keys) {
    keys = new Set(validDevices(options, definition).map((d) => definition.listedKey(d as never)));
    byDefinition.set(definition, keys);
  }
  return keys;
}

/** Changes when anything in the driver's sections changes (then the driver restarts). */
export function sectionFingerprint(options: Options, definition: DriverDefinition): string {
  const record = options as Record<string, unknown>;
  return JSON.stringify([definition.settings ? record[definition.settings.key] : null, record[definition.devices.key]]);
}
