/**
 * Counts flash writes per device parameter and spaces them out: Xtender flash is only
 * guaranteed for about 1000 writes. The counts live in the data directory so that a
 * restart does not reset them. One ledger per data directory: every link shares the file.
 *
 * A ledger file that cannot be read is never taken as "no writes yet": that would hand
 * every parameter a fresh budget. Flash writes are refused until the file is fixed or
 * removed; RAM writes do not touch the flash and go on.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import * as z from 'zod';
import { CommandError } from '../../core/hub.ts';

export const FLASH_WRITE_BUDGET = 1000;
export const FLASH_LEDGER_FILE = 'xtender-flash-writes.json';
/** Far more than every parameter of a full bus needs; a larger file is not ours. */
const MAX_LEDGER_BYTES = 1_000_000;

const ledgerFile = z.record(z.string(), z.object({ count: z.number().int().nonnegative(), last: z.number().nonnegative() }));
type Entry = z.infer<typeof ledgerFile>[string];

/** Flash writes are refused because the ledger file cannot be trusted. */
export class FlashLedgerUnreadableError extends CommandError {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(
      `Flash writes are refused: the flash write ledger ${file} is unreadable (${reason}). It counts the flash writes of each ` +
        'parameter against the flash endurance; check it, then fix the file or delete it (the counts start again from 0). ' +
        'Writes to RAM (allow_flash_writes off) still work.',
    );
  }
}

/** A flash write the budget or the spacing does not allow now. */
export class FlashWriteRefusedError extends CommandError {}

export class FlashWriteLedger {
  readonly file: string;
  private entries: Record<string, Entry> = {};
  private loaded = false;
  private unreadable: FlashLedgerUnreadableError | undefined;

  constructor(
    dataDir: string,
    private readonly now: () => number = Date.now,
  ) {
    this.file = path.join(dataDir, FLASH_LEDGER_FILE);
  }

  /** Read the file; a missing one is an empty ledger, anything else wrong is kept as `problem`. Never throws. */
  async load(): Promise<void> {
    this.loaded = true;
    try {
      const { size } = await stat(this.file);
      if (size > MAX_LEDGER_BYTES) return this.refuse(`${size} bytes, more than a ledger ever holds`);
      const parsed = ledgerFile.safeParse(JSON.parse(await readFile(this.file, 'utf8')));
      if (!parsed.success) return this.refuse(`not a ledger: ${parsed.error.issues[0]?.message ?? 'wrong shape'}`);
      this.entries = parsed.data;
      this.unreadable = undefined;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        this.entries = {};
        this.unreadable = undefined;
      } else if (err instanceof SyntaxError) this.refuse(`not valid JSON: ${err.message}`);
      else this.refuse((err as Error).message);
    }
  }

  /** Why flash writes are refused for every parameter, while the file is unreadable. */
  get problem(): FlashLedgerUnreadableError | undefined {
    return this.unreadable;
  }

  /**
   * Throws unless a flash write of this parameter may go ahead now. An unreadable file is
   * read again first, so a fixed or removed file counts without a restart.
   */
  async checkFlashWrite(deviceId: string, paramId: number, minIntervalMs: number): Promise<void> {
    if (!this.loaded || this.unreadable) await this.load();
    if (this.unreadable) throw this.unreadable;
    const entry = this.entries[`${deviceId}:${paramId}`];
    if (!entry) return;
    if (entry.count >= FLASH_WRITE_BUDGET)
      throw new FlashWriteRefusedError(
        `parameter ${paramId} was written to flash ${entry.count} times, the flash's endurance; write to RAM instead (turn allow_flash_writes off)`,
      );
    const wait = entry.last + minIntervalMs - this.now();
    if (wait > 0)
      throw new FlashWriteRefusedError(
        `parameter ${paramId} was written to flash less than ${Math.round(minIntervalMs / 60000)} min ago; next flash write in ${Math.ceil(wait / 1000)} s`,
      );
  }

  /** Count a flash write that was made (after `checkFlashWrite` let it through). */
  record(deviceId: string, paramId: number): number {
    if (this.unreadable) throw this.unreadable;
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

  private refuse(reason: string): void {
    this.entries = {};
    this.unreadable = new FlashLedgerUnreadableError(this.file, reason);
  }
}
