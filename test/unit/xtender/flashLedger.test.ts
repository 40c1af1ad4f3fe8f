import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FLASH_WRITE_BUDGET, FlashWriteLedger } from '../../../server/drivers/xtender/flashLedger.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('flash write ledger', () => {
  it('spaces flash writes of one parameter and persists the count', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ledger-'));
    dirs.push(dir);
    let now = 1_000_000;
    const ledger = new FlashWriteLedger(dir, () => now);
    expect(ledger.refusal('xtender_1', 1138, 60_000)).toBeUndefined();
    expect(ledger.record('xtender_1', 1138)).toBe(1);
    expect(ledger.refusal('xtender_1', 1138, 60_000)).toMatch(/less than 1 min ago; next flash write in 60 s/);
    expect(ledger.refusal('xtender_1', 1107, 60_000)).toBeUndefined();
    now += 60_000;
    expect(ledger.refusal('xtender_1', 1138, 60_000)).toBeUndefined();
    const reloaded = new FlashWriteLedger(dir, () => now);
    expect(reloaded.count('xtender_1', 1138)).toBe(1);
    expect(reloaded.totals('xtender_1')).toEqual({ 1138: 1 });
  });

  it('refuses once the endurance budget is used up', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ledger-'));
    dirs.push(dir);
    let now = 0;
    const ledger = new FlashWriteLedger(dir, () => now);
    for (let i = 0; i < FLASH_WRITE_BUDGET; i++) {
      now += 10;
      ledger.record('xt', 1107);
    }
    now += 10;
    expect(ledger.refusal('xt', 1107, 1)).toMatch(/1000 times/);
  });

  it('starts empty when the file is corrupt', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ledger-'));
    dirs.push(dir);
    const ledger = new FlashWriteLedger(path.join(dir, 'missing'));
    expect(ledger.count('x', 1)).toBe(0);
  });
});
