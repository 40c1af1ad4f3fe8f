/**
 * Keeps the energy counters honest. The total never goes backwards (the hub would refuse
 * it anyway; here it is skipped quietly with one warning). Today's energy drops once a
 * day, when the inverter starts up again in the morning: a drop after a night (asleep
 * seen since the last value) or on a new calendar day is a reset, which the hub is told
 * by invalidating the old value first; any other drop is skipped like a regression.
 */
import type { Reading } from '../../core/hub.ts';

export interface GuardResult {
  readings: Reading[];
  /** Set once per regression episode, for the log and an event. */
  warning?: string;
}

const dayOf = (ts: number): string => new Date(ts).toDateString();

export class EnergyGuard {
  private total: number | undefined;
  private daily: { value: number; day: string } | undefined;
  private nightSinceDaily = false;
  private warned = { total: false, daily: false };

  /** The inverter was seen asleep: the next drop of today's energy is a reset. */
  markNight(): void {
    this.nightSinceDaily = true;
  }

  /** `asleep`: this reading is a night page (its daily value is still yesterday's). */
  check(totalKwh: number | null, dailyKwh: number | null, now: number, asleep = false): GuardResult {
    if (asleep) this.markNight();
    const readings: Reading[] = [];
    let warning: string | undefined;
    if (totalKwh !== null) {
      if (this.total !== undefined && totalKwh < this.total) {
        if (!this.warned.total) warning = `total energy went backwards from ${this.total} to ${totalKwh} kWh; keeping ${this.total}`;
        this.warned.total = true;
      } else {
        this.total = totalKwh;
        this.warned.total = false;
        readings.push({ key: 'energy_total', value: totalKwh });
      }
    }
    if (dailyKwh !== null) {
      const last = this.daily;
      const day = dayOf(now);
      if (last && dailyKwh < last.value && !this.nightSinceDaily && last.day === day) {
        if (!this.warned.daily) warning ??= `energy today went backwards from ${last.value} to ${dailyKwh} kWh without a new day; skipped`;
        this.warned.daily = true;
      } else {
        if (last && dailyKwh < last.value) readings.push({ key: 'energy_today', value: null });
        readings.push({ key: 'energy_today', value: dailyKwh });
        this.daily = { value: dailyKwh, day };
        if (!asleep) this.nightSinceDaily = false;
        this.warned.daily = false;
      }
    }
    return { readings, warning };
  }
}
