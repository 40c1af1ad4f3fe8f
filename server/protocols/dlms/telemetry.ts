/**
 * The IVY gateway's DLMS telemetry payload (seeds/002, "DLMS Telemetry Payload"):
 * `{meterId, timestamp, source: "dlms", readings: {KEY: {value, unit, obis}}}`.
 */
import type { RegisterDescriptor, RegisterValue } from '../../core/registers.ts';

export interface DlmsTelemetryPayload {
  meterId: string;
  timestamp: number;
  source: 'dlms';
  readings: Record<string, { value: RegisterValue; unit: string; obis: string }>;
}

/** Built from published readings: each register's `id` is its OBIS code, `unit` its unit ("-" for none, as the seed's table). */
export function dlmsTelemetryPayload(
  meterId: string,
  timestamp: number,
  readings: readonly { register: Pick<RegisterDescriptor, 'key' | 'id' | 'unit'>; value: RegisterValue }[],
): DlmsTelemetryPayload {
  const out: DlmsTelemetryPayload['readings'] = {};
  for (const r of readings) out[r.register.key] = { value: r.value, unit: r.register.unit ?? '-', obis: r.register.id ?? '' };
  return { meterId, timestamp, source: 'dlms', readings: out };
}
