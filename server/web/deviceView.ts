import * as z from 'zod';
import type { HistorySeries } from '../core/history.ts';
import { type Availability, type DeviceRecord, valuesRead } from '../core/hub.ts';
import { effectiveRange, type RegisterDescriptor, type RegisterValue } from '../core/registers.ts';

/* The UI imports these types (ui/src/types.ts), so the panel and the API cannot drift apart. */

/**
 * A register as the API sends it: labels of enum values in `options`, decimals in `precision`,
 * and in `min`/`max` the range the hub checks writes against (`rangeFrom`: the device's own
 * or the table's), so the input box never offers what the hub refuses.
 */
export interface RegisterView extends RegisterDescriptor {
  rangeFrom?: 'device' | 'table';
}

function registerView(reg: RegisterDescriptor): RegisterView {
  if (reg.min === undefined && reg.max === undefined && !reg.deviceRange) return reg;
  const { min, max, from } = effectiveRange(reg);
  return { ...reg, min, max, rangeFrom: from };
}

/** `api/devices/:id/history?key=…`: a day of one value, a bucket per five minutes. */
export interface HistoryView extends HistorySeries {
  key: string;
  unit?: string;
  precision?: number;
  /** How long a bucket is: `t` steps by this much where no bucket is missing. */
  bucketMs: number;
}

/** A device as the UI and the REST API see it. */
export interface DeviceView {
  id: string;
  kind: string;
  name: string;
  manufacturer?: string;
  model?: string;
  serialNumber?: string;
  swVersion?: string;
  allowWrites: boolean;
  availability: Availability;
  reason?: string;
  since: number;
  state: Record<string, RegisterValue>;
  updated: Record<string, number>;
  registers: RegisterView[];
  diagnostics: Record<string, unknown>;
}

const registerValue = z.union([z.number(), z.string(), z.boolean(), z.null()]);

/** The response schema of the device routes. */
export const deviceViewSchema = z.object({
  id: z.string(),
  kind: z.string(),
  name: z.string(),
  manufacturer: z.string().optional(),
  model: z.string().optional(),
  serialNumber: z.string().optional(),
  swVersion: z.string().optional(),
  allowWrites: z.boolean(),
  availability: z.enum(['online', 'offline', 'asleep', 'fault', 'connecting', 'unknown']),
  reason: z.string().optional(),
  since: z.number(),
  state: z.record(z.string(), registerValue),
  updated: z.record(z.string(), z.number()),
  // Register descriptors are the drivers' own, sent as they are.
  registers: z.array(z.custom<RegisterView>()),
  diagnostics: z.record(z.string(), z.unknown()),
}) satisfies z.ZodType<DeviceView>;

export function deviceView(rec: DeviceRecord): DeviceView {
  const { info, status } = rec;
  return {
    id: info.id,
    kind: info.kind,
    name: info.name,
    manufacturer: info.manufacturer,
    model: info.model,
    serialNumber: info.serialNumber,
    swVersion: info.swVersion,
    allowWrites: Boolean(info.allowWrites),
    availability: status.availability,
    reason: status.reason,
    since: status.since,
    state: valuesRead(rec.state),
    updated: valuesRead(rec.updated),
    registers: rec.registers.map(registerView),
    diagnostics: { ...rec.diagnostics, counters: rec.counters },
  };
}
