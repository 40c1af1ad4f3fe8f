/**
 * Parsers of device input on hostile bytes: each driver's `bench/<kind>.ts` says how its
 * parsers are fed (`hostileFigures()`, built with `hostileInput.ts`); one JSON line per parser.
 */
import { DRIVER_DEFINITIONS } from '../server/drivers/registry.ts';

type HostileSuite = { hostileFigures?(): Record<string, unknown>[] };

export async function bench(): Promise<Record<string, unknown>[]> {
  const figures: Record<string, unknown>[] = [];
  for (const { kind } of DRIVER_DEFINITIONS) {
    const suite = (await import(`./${kind}.ts`)) as HostileSuite;
    figures.push(...(suite.hostileFigures?.() ?? []));
  }
  return figures;
}
