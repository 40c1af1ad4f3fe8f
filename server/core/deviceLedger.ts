/**
 * The devices this instance has published, by id, with their kind and options entry, kept in
 * the data directory: at the next start it tells a meter that has not redialed yet (keep its
 * discovery) from one whose options entry is gone (clear it).
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import type { DeviceRecord, Hub } from './hub.ts';
import type { Logger } from './logger.ts';

export interface LedgerEntry {
  kind: string;
  listed?: string;
}

/** Several writes in a burst (a bus scan, dial-ins after a restart) become one. */
const SAVE_DELAY_MS = 1000;

export class DeviceLedger {
  private readonly entries = new Map<string, LedgerEntry>();
  private saveTimer: NodeJS.Timeout | undefined;
  private saving: Promise<void> = Promise.resolve();
  private readonly unsubscribe: (() => void)[] = [];
  /** Whether a ledger was found: without one, nothing can be told apart and nothing is cleared. */
  existed = false;

  constructor(
    private readonly file: string,
    private readonly log: Logger,
  ) {}

  async load(): Promise<void> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch {
      return;
    }
    try {
      const data = JSON.parse(text) as unknown;
      if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new Error('not an object');
      for (const [id, entry] of Object.entries(data)) {
        if (isEntry(entry)) this.entries.set(id, { kind: entry.kind, ...(entry.listed !== undefined ? { listed: entry.listed } : {}) });
      }
      this.existed = true;
    } catch (err) {
      this.log.warn(`device ledger ${this.file} is unreadable (${(err as Error).message}); starting a new one`);
    }
  }

  /** Follow the hub: every device added or changed is recorded, every removed one forgotten. */
  track(hub: Hub): void {
    const record = (rec: DeviceRecord) => this.set(rec.info.id, { kind: rec.info.kind, listed: rec.info.listed });
    const forget = (rec: DeviceRecord) => this.delete(rec.info.id);
    hub.on('device-added', record);
    hub.on('device-changed', record);
    hub.on('device-removed', forget);
    this.unsubscribe.push(
      () => hub.off('device-added', record),
      () => hub.off('device-changed', record),
      () => hub.off('device-removed', forget),
    );
  }

  ids(): string[] {
    return [...this.entries.keys()];
  }

  get(id: string): LedgerEntry | undefined {
    return this.entries.get(id);
  }

  delete(id: string): void {
    if (this.entries.delete(id)) this.scheduleSave();
  }

  /** Stop following the hub and write what is pending. */
  async close(): Promise<void> {
    for (const off of this.unsubscribe.splice(0)) off();
    if (this.saveTimer) {
      clearTimeout(this.saveTimer);
      this.saveTimer = undefined;
      this.save();
    }
    await this.saving;
  }

  private set(id: string, entry: LedgerEntry): void {
    const old = this.entries.get(id);
    if (old?.kind === entry.kind && old.listed === entry.listed) return;
    this.entries.set(id, entry);
    this.scheduleSave();
  }

  private scheduleSave(): void {
    if (this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      this.save();
    }, SAVE_DELAY_MS);
    this.saveTimer.unref();
  }

  private save(): void {
    const text = JSON.stringify(Object.fromEntries(this.entries));
    const tmp = `${this.file}.tmp`;
    this.saving = this.saving
      .then(() => writeFile(tmp, text))
      .then(() => rename(tmp, this.file))
      .catch((err: Error) => this.log.warn(`device ledger ${this.file} could not be written: ${err.message}`));
  }
}

function isEntry(v: unknown): v is LedgerEntry {
  if (typeof v !== 'object' || v === null) return false;
  const e = v as Record<string, unknown>;
  return typeof e.kind === 'string' && (e.listed === undefined || typeof e.listed === 'string');
}
