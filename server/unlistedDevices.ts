/**
 * Which devices no options entry owns any more: every device of a driver whose section is
 * gone, and the devices whose entry (`DeviceInfo.listed`) was removed or renamed. Devices the
 * driver found by itself (no entry) stay while their driver runs.
 */
import type { DeviceRecord, Hub } from './core/hub.ts';
import type { LedgerEntry } from './core/deviceLedger.ts';
import { driverActive, listedKeys } from './driverSections.ts';
import { definitionOf } from './drivers/registry.ts';
import type { Options } from './options/schema.ts';

/** Whether a device of this kind and entry still belongs to the options. */
export function stillListed(options: Options, entry: LedgerEntry): boolean {
  const definition = definitionOf(entry.kind);
  if (!definition || !driverActive(options, definition)) return false;
  return entry.listed === undefined || listedKeys(options, definition).has(entry.listed);
}

export function unlistedDevices(hub: Hub, options: Options, kind: string): DeviceRecord[] {
  return hub.list().filter((rec) => rec.info.kind === kind && !stillListed(options, rec.info));
}
