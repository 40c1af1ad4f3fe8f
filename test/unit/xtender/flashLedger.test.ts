import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CommandError } from '../../../server/core/hub.ts';
import {
  FLASH_LEDGER_FILE,
  FLASH_WRITE_BUDGET,
  FlashLedgerUnreadableError,
  FlashWriteLedger,
  FlashWriteRefusedError,
} from '../../../server/drivers/xtender/flashLedger.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function dataDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ledger-'));
  dirs.push(dir);
  return dir;
}

describe('flash write ledger', () => {
  it('spaces flash writes of one parameter and persists the count', async () => {
    const dir = dataDir();
    let now = 1_000_000;
    const ledger = new FlashWriteLedger(dir, () => now);
    await ledger.load();
    await expect(ledger.checkFlashWrite('xtender_1', 1138, 60_000)).resolves.toBeUndefined();
    expect(ledger.record('xtender_1', 1138)).toBe(1);
    const early = ledger.checkFlashWrite('xtender_1', 1138, 60_000);
    await expect(early).rejects.toBeInstanceOf(FlashWriteRefusedError);
    await expect(early).rejects.toThrow(/less than 1 min ago; next flash write in 60 s/);
    await expect(ledger.checkFlashWrite('xtender_1', 1107, 60_000)).resolves.toBeUndefined();
    now += 60_000;
    await expect(ledger.checkFlashWrite('xtender_1', 1138, 60_000)).resolves.toBeUndefined();
    const reloaded = new FlashWriteLedger(dir, () => now);
    await reloaded.load();
    expect(reloaded.count('xtender_1', 1138)).toBe(1);
    expect(reloaded.totals('xtender_1')).toEqual({ 1138: 1 });
  });

  it('refuses once the endurance budget is used up', async () => {
    let now = 0;
    const ledger = new FlashWriteLedger(dataDir(), () => now);
    await ledger.load();
    for (let i = 0; i < FLASH_WRITE_BUDGET; i++) {
      now += 10;
      ledger.record('xt', 1107);
    }
    now += 10;
    await expect(ledger.checkFlashWrite('xt', 1107, 1)).rejects.toThrow(/1000 times/);
  });

  it('reads nothing in its constructor; a missing file is an empty ledger', async () => {
    const dir = dataDir();
    writeFileSync(path.join(dir, FLASH_LEDGER_FILE), JSON.stringify({ 'xt:1107': { count: 7, last: 0 } }));
    const ledger = new FlashWriteLedger(dir);
    expect(ledger.count('xt', 1107)).toBe(0);
    await ledger.load();
    expect(ledger.count('xt', 1107)).toBe(7);

    const empty = new FlashWriteLedger(path.join(dataDir(), 'missing'));
    await empty.load();
    expect(empty.problem).toBeUndefined();
    await expect(empty.checkFlashWrite('xt', 1107, 1)).resolves.toBeUndefined();
  });

  it.each([
    ['truncated JSON', '{"xt:1107": {"count": 999, "la', /not valid JSON/],
    ['a wrong shape', JSON.stringify({ 'xt:1107': { count: 'many', last: 0 } }), /not a ledger/],
    ['a JSON array', '[1,2,3]', /not a ledger/],
  ])('refuses flash writes, without resetting the budget, on %s', async (_what, content, reason) => {
    const dir = dataDir();
    const file = path.join(dir, FLASH_LEDGER_FILE);
    writeFileSync(file, content);
    const ledger = new FlashWriteLedger(dir);
    await ledger.load();
    expect(ledger.problem).toBeInstanceOf(FlashLedgerUnreadableError);
    const attempt = ledger.checkFlashWrite('xt', 1107, 1);
    await expect(attempt).rejects.toBeInstanceOf(FlashLedgerUnreadableError);
    await expect(attempt).rejects.toBeInstanceOf(CommandError);
    await expect(attempt).rejects.toThrow(reason);
    await expect(attempt).rejects.toThrow(file);
    await expect(attempt).rejects.toThrow(/fix the file or delete it/);
    expect(() => ledger.record('xt', 1107)).toThrow(FlashLedgerUnreadableError);
    // The corrupt file is left for the user to check, not overwritten.
    expect(readFileSync(file, 'utf8')).toBe(content);
  });

  it('takes a fixed or removed file at the next flash write, without a restart', async () => {
    const dir = dataDir();
    const file = path.join(dir, FLASH_LEDGER_FILE);
    writeFileSync(file, 'not json');
    const ledger = new FlashWriteLedger(dir);
    await ledger.load();
    await expect(ledger.checkFlashWrite('xt', 1107, 1)).rejects.toBeInstanceOf(FlashLedgerUnreadableError);
    writeFileSync(file, JSON.stringify({ 'xt:1107': { count: FLASH_WRITE_BUDGET, last: 0 } }));
    await expect(ledger.checkFlashWrite('xt', 1107, 1)).rejects.toThrow(/1000 times/);
    expect(ledger.problem).toBeUndefined();
    rmSync(file);
    writeFileSync(file, '{');
    await ledger.load();
    rmSync(file);
    await expect(ledger.checkFlashWrite('xt', 1107, 1)).resolves.toBeUndefined();
  });
});
