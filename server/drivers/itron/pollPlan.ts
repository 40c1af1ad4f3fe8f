/**
 * What to GET on every poll and how each answer becomes a reading: one point per register,
 * built from the walked resource tree or from the firmware table.
 */
import type { RegisterDescriptor } from '../../core/registers.ts';
import type { KnownEndpoint } from '../../protocols/ieee2030_5/firmwareTables.ts';
import { quantityOf, scaledValue, type Quantity } from './quantities.ts';
import type { Reading, ReadingType, SepResource } from '../../protocols/ieee2030_5/resources.ts';

export interface PollPoint {
  /** Resource to GET: a Reading, or a ReadingList holding time-of-use tiers. */
  path: string;
  /** Time-of-use tier picked out of a ReadingList (0 = the Reading itself / first item). */
  tier: number;
  readingType: ReadingType;
  quantity: Quantity;
}

/** Points for the firmware table's endpoints (what the old bridge polled). */
export function pointsFromKnownEndpoints(endpoints: KnownEndpoint[]): PollPoint[] {
  return withUniqueKeys(
    endpoints.flatMap((e) => {
      const quantity = quantityOf(e.readingType, e.tier);
      return quantity
        ? [{ path: e.path, tier: e.tier, readingType: e.readingType, quantity: describe(quantity, e.description, e.path) }]
        : [];
    }),
  );
}

/** Attach the meter's own description and address to a register. */
export function describe(q: Quantity, description: string | null, path: string): Quantity {
  return { ...q, register: { ...q.register, id: path, ...(description ? { description } : {}) } };
}

/** Keys stay unique when a meter offers the same quantity twice (the later one gets a suffix). */
export function withUniqueKeys(points: PollPoint[]): PollPoint[] {
  const seen = new Map<string, number>();
  return points.map((p) => {
    const n = (seen.get(p.quantity.register.key) ?? 0) + 1;
    seen.set(p.quantity.register.key, n);
    if (n === 1) return p;
    const register = { ...p.quantity.register, key: `${p.quantity.register.key}_${n}`, name: `${p.quantity.register.name} ${n}` };
    return { ...p, quantity: { ...p.quantity, register } };
  });
}

export function registersOf(points: PollPoint[]): RegisterDescriptor[] {
  return points.map((p) => p.quantity.register);
}

/** The Reading a point is about, out of what its path returned. */
export function readingFor(resource: SepResource, tier: number): Reading | null {
  if (resource.type === 'Reading') return resource;
  if (resource.type === 'ReadingList') {
    if (tier === 0) return resource.items[0] ?? null;
    return resource.items.find((r) => r.touTier === tier) ?? null;
  }
  return null;
}

/** The value to publish for a point: scaled, or null when absent or invalid. */
export function pointValue(point: PollPoint, resource: SepResource): number | null {
  const reading = readingFor(resource, point.tier);
  return reading ? scaledValue(reading, point.readingType, point.quantity.factor) : null;
}
