/**
 * Counts flash writes per device parameter and spaces them out: Xtender flash is only
 * guaranteed for about 1000 writes. The counts live in the data directory so that a
 * restart does not reset them. One ledger per data directory: every link shares the file.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const FLASH_WRITE_BUDGET = 1000;

interface Entry {
  count: number;
  last: number;
}

export class FlashWriteLedger {
  private readonly file: string;
  private entries: Record<string, Entry> = {};

  constructor(
    dataDir: string,
    private readonly now: () => number = Date.now,
  ) {
    this.file = path.join(dataDir, 'xtender-flash-writes.json');
    try {
      const parsed: unknown = JSON.parse(readFileSync(this.file, 'utf8'));
      if (parsed && typeof parsed === 'object') this.entries = parsed as Record<string, Entry>;
    } catch {
      this.entries = {};
    }
  }

  /** Why a flash write of this parameter is refused now, or undefined if it may go ahead. */
  refusal(deviceId: string, paramId: number, minIntervalMs: number): string | undefined {
    const entry = this.entries[`${deviceId}:${paramId}`];
    if (!entry) return undefined;
    if (entry.count >= FLASH_WRITE_BUDGET)
      return `parameter ${paramId} was written to flash ${entry.count} times, the flash's endurance; write to RAM instead (turn allow_flash_writes off)`;
    const wait = entry.last + minIntervalMs - this.now();
    if (wait > 0)
      return `parameter ${paramId} was written to flash less than ${Math.round(minIntervalMs / 60000)} min ago; next flash write in ${Math.ceil(wait / 1000)} s`;
    return undefined;
  }

  record(deviceId: string, paramId: number): number {
    const key = `${deviceId}:${paramId}`;
    const entry = this.entries[key] ?? { count: 0, last: 0 };
    entry.count++;
    entry.last = this.now();
    this.entries[key] = entry;
    mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.entries));
    renameSync(tmp, this.file);
    return entry.count;
  }

  count(deviceId: string, paramId: number): number {
    return this.entries[`${deviceId}:${paramId}`]?.count ?? 0;
  }

  totals(deviceId: string): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [key, entry] of Object.entries(this.entries))
      if (key.startsWith(`${deviceId}:`)) out[key.slice(deviceId.length + 1)] = entry.count;
    return out;
  }
}
