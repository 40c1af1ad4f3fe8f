/** How many devices are in each state, for `api/health` and the overview. */
import type { DeviceRecord } from './hub.ts';

export interface DeviceCounts {
  total: number;
  online: number;
  asleep: number;
  connecting: number;
  offline: number;
  fault: number;
}

export function deviceCounts(devices: readonly DeviceRecord[]): DeviceCounts {
  const counts: DeviceCounts = { total: devices.length, online: 0, asleep: 0, connecting: 0, offline: 0, fault: 0 };
  for (const { status } of devices) {
    // `unknown` (a device its driver has not reported on yet) is still connecting.
    const state = status.availability === 'unknown' ? 'connecting' : status.availability;
    counts[state]++;
  }
  return counts;
}
