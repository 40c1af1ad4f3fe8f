/**
 * Tells night from an outage. The inverter's web server lives on the inverter, which is
 * powered from its panels: at dusk it first shows `Aus` and `x x x` placeholders, then
 * stops answering until morning. So:
 * - placeholders or the state `off` → asleep;
 * - unreachable after the last answer was quiet (off, idle, starting, or under
 *   QUIET_POWER_W) → asleep, for at most MAX_SLEEP_MS after that answer;
 * - unreachable after a feeding answer, or for longer than a night → offline;
 * - unreachable and never seen (a wrong host, or a first start at night) → fault: nothing
 *   says it is asleep, and a wrong host must not wait unnoticed;
 * - answers that are wrong (401, HTTP 500, truncated page) → fault.
 */
import type { Availability } from '../../core/hub.ts';
import { isQuiet } from '../../protocols/kostal/operatingState.ts';
import type { InverterSnapshot } from '../../protocols/kostal/snapshot.ts';

export const QUIET_POWER_W = 50;
export const MAX_SLEEP_MS = 16 * 3600_000;

export interface LastSeen {
  at: number;
  quiet: boolean;
}

export interface Assessment {
  availability: Exclude<Availability, 'unknown'>;
  reason: string;
}

export class NightWatch {
  constructor(public lastSeen: LastSeen | undefined = undefined) {}

  onReading(s: InverterSnapshot, now: number): Assessment {
    const off = s.placeholders || s.state === 'off';
    this.lastSeen = { at: now, quiet: off || isQuiet(s.state) || (s.acPowerW ?? 0) < QUIET_POWER_W };
    if (off) return { availability: 'asleep', reason: 'inverter is off (night)' };
    return { availability: 'online', reason: s.statusText ?? 'answering' };
  }

  onUnreachable(message: string, now: number): Assessment {
    const seen = this.lastSeen;
    if (seen?.quiet && now - seen.at < MAX_SLEEP_MS) {
      return { availability: 'asleep', reason: 'inverter asleep: not answering since dusk' };
    }
    if (!seen) return { availability: 'fault', reason: `never answered: ${message}` };
    const since = seen.quiet ? ` for more than ${MAX_SLEEP_MS / 3600_000} h` : '';
    return { availability: 'offline', reason: `unreachable${since}: ${message}` };
  }

  onFault(message: string): Assessment {
    return { availability: 'fault', reason: message };
  }
}
