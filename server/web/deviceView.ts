import type { DeviceRecord } from '../core/hub.ts';

/** A device as the UI and the REST API see it. */
export function deviceView(rec: DeviceRecord) {
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
    state: rec.state,
    updated: rec.updated,
    registers: rec.registers,
    diagnostics: { ...rec.diagnostics, counters: rec.counters },
  };
}

export type DeviceView = ReturnType<typeof deviceView>;
