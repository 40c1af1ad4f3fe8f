/** A corrupt flash write ledger refuses flash writes (the budget is not reset) and the device shows why; RAM writes go on. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FLASH_LEDGER_FILE, FlashLedgerUnreadableError } from '../../../server/drivers/xtender/flashLedger.ts';
import { waitFor } from '../../support/ports.ts';
import { simDeviceId, startRig, type Rig } from './harness.ts';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.stop();
  rig = undefined;
});

const CORRUPT = '{"xtender_0000:1138": {"count": 998, "la';

describe('xtender flash ledger on a corrupt file', () => {
  it('refuses flash writes with the file and the fix, warns on the device, and leaves the file alone', async () => {
    rig = await startRig({
      devices: 'xt:1',
      link: { allow_writes: true, allow_flash_writes: true },
      dataFiles: { [FLASH_LEDGER_FILE]: CORRUPT },
    });
    const r = rig;
    const id = simDeviceId(r, 101);
    const file = path.join(r.dataDir, FLASH_LEDGER_FILE);
    await waitFor(() => r.hub.get(id)?.status.availability === 'online', { what: 'online' });

    const attempt = r.hub.write(id, 'battery_charge_current_setting', 40);
    await expect(attempt).rejects.toBeInstanceOf(FlashLedgerUnreadableError);
    await expect(attempt).rejects.toThrow(`the flash write ledger ${file} is unreadable`);
    expect(r.sim.gateway.stats.flashWrites).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(CORRUPT);

    const warning = r.events.find((e) => e.id === id && e.event.event === 'flash_ledger_unreadable');
    expect(warning?.event).toMatchObject({ type: 'warning', data: { file } });
    expect(r.hub.get(id)!.diagnostics.flashLedgerProblem).toMatch(/fix the file or delete it/);
  });

  it('still writes to RAM when flash writes are off', async () => {
    rig = await startRig({ devices: 'xt:1', link: { allow_writes: true }, dataFiles: { [FLASH_LEDGER_FILE]: CORRUPT } });
    const r = rig;
    const id = simDeviceId(r, 101);
    await waitFor(() => r.hub.get(id)?.status.availability === 'online', { what: 'online' });
    expect(await r.hub.write(id, 'battery_charge_current_setting', 40)).toBe(40);
    expect(r.sim.gateway.parameter(101, 1138)).toEqual({ flash: 60, ram: 40 });
    expect(r.events.some((e) => e.event.event === 'flash_ledger_unreadable')).toBe(false);
  });
});
