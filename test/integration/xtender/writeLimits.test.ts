/** The range a write is checked against is the device's own when it reports one; the hub, discovery and the UI agree on it. */
import { afterEach, describe, expect, it } from 'vitest';
import { tableViolations } from '../../../server/core/haRules.ts';
import { CommandError } from '../../../server/core/hub.ts';
import { FAMILY_REGISTERS } from '../../../server/drivers/xtender/registers.ts';
import { deviceView } from '../../../server/web/deviceView.ts';
import { waitFor } from '../../support/ports.ts';
import { simDeviceId, startRig, type Rig } from './harness.ts';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.stop();
  rig = undefined;
});

const tableRange = (key: string) => {
  const reg = FAMILY_REGISTERS.xtender.find((r) => r.key === key)!;
  return [reg.min, reg.max];
};

describe('xtender write limits', () => {
  it('checks writes against the range the device reports, narrower or wider than the table, and shows it', async () => {
    expect(tableRange('max_ac_input_current')).toEqual([2, 50]);
    expect(tableRange('battery_charge_current_setting')).toEqual([0, 200]);
    rig = await startRig({
      devices: 'xt:1',
      link: { allow_writes: true },
      simSetup: (sim) => {
        sim.gateway.setParameterRange(101, 1107, { min: 2, max: 40 });
        sim.gateway.setParameterRange(101, 1138, { min: 0, max: 250 });
      },
    });
    const r = rig;
    const id = simDeviceId(r, 101);
    await waitFor(() => r.hub.get(id)?.status.availability === 'online', { what: 'online' });

    const narrower = r.hub.write(id, 'max_ac_input_current', 45);
    await expect(narrower).rejects.toBeInstanceOf(CommandError);
    await expect(narrower).rejects.toThrow(`Value 45 for "max_ac_input_current" is above the device's maximum 40`);
    expect(r.sim.gateway.stats.ramWrites).toBe(0);
    expect(await r.hub.write(id, 'max_ac_input_current', 40)).toBe(40);

    expect(await r.hub.write(id, 'battery_charge_current_setting', 220)).toBe(220);
    expect(r.sim.gateway.parameter(101, 1138)?.ram).toBe(220);

    const view = deviceView(r.hub.get(id)!);
    const shown = (key: string) => view.registers.find((x) => x.key === key)!;
    expect(shown('max_ac_input_current')).toMatchObject({ min: 2, max: 40, rangeFrom: 'device' });
    expect(shown('battery_charge_current_setting')).toMatchObject({ min: 0, max: 250, rangeFrom: 'device' });
    expect(shown('floating_voltage')).toMatchObject({ min: 37.9, max: 72 });
    expect(tableViolations(r.hub.get(id)!.registers)).toEqual([]);
  });
});
