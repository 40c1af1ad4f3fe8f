/**
 * Every kind of device Wattwire reads: the one list the options, the onboarding wizard, the
 * simulator command, the demo and the bench are derived from. A new driver is one line here.
 */
import type { DriverDefinition } from './definition.ts';
import { dlmsDefinition } from './dlms/definition.ts';
import { dlt645Definition } from './dlt645/definition.ts';
import { itronDefinition } from './itron/definition.ts';
import { kostalDefinition } from './kostal/definition.ts';
import { sunspecDefinition } from './sunspec/definition.ts';
import { victronDefinition } from './victron/definition.ts';
import { xtenderDefinition } from './xtender/definition.ts';

export const DEFINITIONS = [
  xtenderDefinition,
  dlt645Definition,
  dlmsDefinition,
  itronDefinition,
  victronDefinition,
  kostalDefinition,
  sunspecDefinition,
] as const satisfies readonly DriverDefinition[];

export type Definition = (typeof DEFINITIONS)[number];

/** The same list, each seen through the common interface. */
export const DRIVER_DEFINITIONS: readonly DriverDefinition[] = DEFINITIONS;

const BY_KIND: ReadonlyMap<string, DriverDefinition> = new Map(DRIVER_DEFINITIONS.map((d) => [d.kind, d]));

export function definitionOf(kind: string): DriverDefinition | undefined {
  return BY_KIND.get(kind);
}
