/**
 * Tells night from an outage for a SunSpec inverter, which is powered from its panels: at
 * dusk it reports OFF, SLEEPING or STANDBY, then often stops answering until morning.
 * - answering with such a state → asleep (its values are still published);
 * - not answering after a quiet answer (such a state, or under QUIET_POWER_W) → asleep, for
 *   at most MAX_SLEEP_MS; its counters keep their last values;
 * - not answering after a feeding answer, for longer than a night, or never seen → offline/fault.
 * Meters and batteries have no panels: for them silence is always an outage.
 */
import type { Availability } from '../../core/hub.ts';

export const QUIET_POWER_W = 50;
export const MAX_SLEEP_MS = 16 * 3600_000;
/** Inverter operating states (models 101–113 `St`) in which it is not feeding. */
const ASLEEP_STATES = new Set(['OFF', 'SLEEPING', 'STANDBY']);
const QUIET_STATES = new Set(['OFF', 'SLEEPING', 'STARTING', 'STANDBY']);

export interface InverterState {
  /** The operating state's symbol, when the device has an inverter model. */
  state: string | null;
  powerW: number | null;
}

export interface Assessment {
  availability: Exclude<Availability, 'unknown' | 'connecting'>;
  reason: string;
}

export interface LastSeen {
  at: number;
  quiet: boolean;
}

export class NightWatch {
  lastSeen: LastSeen | undefined;
  /** The device has an inverter model (it can sleep). */
  inverter = false;

  onAnswer(s: InverterState, now: number): Assessment {
    const asleep = s.state !== null && ASLEEP_STATES.has(s.state);
    const quiet = asleep || (s.state !== null && QUIET_STATES.has(s.state)) || (s.powerW ?? 0) < QUIET_POWER_W;
    this.lastSeen = { at: now, quiet: this.inverter && quiet };
    if (this.inverter && asleep) return { availability: 'asleep', reason: `inverter ${s.state?.toLowerCase()} (night)` };
    return { availability: 'online', reason: s.state ?? 'answering' };
  }

  onUnreachable(message: string, now: number): Assessment {
    const seen = this.lastSeen;
    if (seen?.quiet && now - seen.at < MAX_SLEEP_MS) return { availability: 'asleep', reason: 'inverter asleep: not answering since dusk' };
    if (!seen) return { availability: 'fault', reason: `never answered: ${message}` };
    const since = seen.quiet ? ` for more than ${MAX_SLEEP_MS / 3600_000} h` : '';
    return { availability: 'offline', reason: `not answering${since}: ${message}` };
  }
}
