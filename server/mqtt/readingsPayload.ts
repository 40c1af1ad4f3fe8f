/**
 * The IVY gateway's telemetry payload for a device that reports its readings together
 * (seeds/002, "DLMS Telemetry Payload"): `{meterId, timestamp, source, readings: {KEY: {value, unit, obis}}}`.
 */
import type { RegisterDescriptor, RegisterValue } from '../core/registers.ts';

export interface ReadingsPayload {
  meterId: string;
  timestamp: number;
  /** The driver kind, e.g. "dlms". */
  source: string;
  readings: Record<string, { value: RegisterValue; unit: string; obis: string }>;
}

/** Built from published readings: each register's `id` is its OBIS code, `unit` its unit ("-" for none, as the seed's table). */
export function readingsPayload(
  meterId: string,
  timestamp: number,
  source: string,
  readings: readonly { register: Pick<RegisterDescriptor, 'key' | 'id' | 'unit'>; value: RegisterValue }[],
): ReadingsPayload {
  const out: ReadingsPayload['readings'] = {};
  for (const r of readings) out[r.register.key] = { value: r.value, unit: r.register.unit ?? '-', obis: r.register.id ?? '' };
  return { meterId, timestamp, source, readings: out };
}
