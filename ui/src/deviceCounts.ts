/** The overview's summary line: how many devices are in each state, from the live list. */
import type { DeviceView } from './types.ts';

export function deviceSummary(devices: readonly Pick<DeviceView, 'availability'>[]): string {
  const count = (...states: string[]) => devices.filter((d) => states.includes(d.availability)).length;
  const parts = [
    `${count('online')} online`,
    `${count('asleep')} asleep`,
    `${count('connecting', 'unknown')} connecting`,
    `${count('offline')} offline`,
    `${count('fault')} in fault`,
  ].filter((p) => !p.startsWith('0 '));
  return `${devices.length} ${devices.length === 1 ? 'device' : 'devices'}${parts.length > 0 ? `: ${parts.join(', ')}` : ''}`;
}
