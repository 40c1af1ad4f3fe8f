/**
 * Keeps energy counters from going backwards: a lower value than the last one published is
 * skipped, with one warning per episode (not one per poll), until the counter is back at or
 * above where it was. The hub would refuse it too, but with an event on every poll. A
 * counter that had a value and reads "not implemented" (an inverter at dusk) keeps its value.
 */
import type { Reading } from '../../core/hub.ts';

export interface GuardedReadings {
  readings: Reading[];
  /** New regressions, once each, for the log and an event. */
  warnings: string[];
}

export class CounterGuard {
  private readonly last = new Map<string, number>();
  private readonly warned = new Set<string>();

  /** `counterName`: the name of the counter a key is, undefined for anything else. */
  check(readings: readonly Reading[], counterName: (key: string) => string | undefined): GuardedReadings {
    const out: Reading[] = [];
    const warnings: string[] = [];
    for (const r of readings) {
      const name = counterName(r.key);
      const last = this.last.get(r.key);
      if (name === undefined || typeof r.value !== 'number') {
        if (name === undefined || last === undefined) out.push(r);
        continue;
      }
      if (last !== undefined && r.value < last) {
        if (!this.warned.has(r.key)) warnings.push(`${name} went backwards from ${last} to ${r.value}; keeping ${last}`);
        this.warned.add(r.key);
        continue;
      }
      this.warned.delete(r.key);
      this.last.set(r.key, r.value);
      out.push(r);
    }
    return { readings: out, warnings };
  }
}
