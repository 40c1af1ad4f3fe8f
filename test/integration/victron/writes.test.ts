/** Writes through W/ against the simulated GX: read-back, never retained, refusals. */
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../support/ports.ts';
import { GX_ID, startRig, type Rig } from './harness.ts';

const SETPOINT = 'settings/0/Settings/CGwacs/AcPowerSetPoint';

describe.each(['flashmq', 'dbus-mqtt'] as const)('Victron writes with %s', (generation) => {
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.stop();
    rig = undefined;
  });

  it('writes the ESS grid setpoint and resolves with the GX read-back', async () => {
    rig = await startRig({ generation }, { allow_writes: true });
    await rig.until(GX_ID, 'settings_ess_grid_setpoint');
    await waitFor(() => rig!.hub.get(GX_ID)!.status.availability === 'online', { what: 'online' });
    await expect(rig.hub.write(GX_ID, 'settings_ess_grid_setpoint', -200)).resolves.toBe(-200);
    expect(rig.sim.value(SETPOINT)).toBe(-200);
    expect(rig.sim.writes).toEqual([{ path: SETPOINT, payload: '{"value":-200}', retain: false }]);
    expect(rig.hub.get(GX_ID)!.state.settings_ess_grid_setpoint).toBe(-200);

    const vebus = `${GX_ID}_vebus_276`;
    await rig.until(vebus, 'vebus_ess_disable_feed_in');
    await expect(rig.hub.write(vebus, 'vebus_ess_disable_feed_in', 'ON')).resolves.toBe(true);
    expect(rig.sim.value('vebus/276/Hub4/DisableFeedIn')).toBe(1);
    await expect(rig.hub.write(GX_ID, 'settings_ess_mode', 'External control')).resolves.toBe('External control');
    expect(rig.sim.value('settings/0/Settings/CGwacs/Hub4Mode')).toBe(3);
  });

  it('reads a setting on demand with R/', async () => {
    rig = await startRig({ generation });
    await rig.until(GX_ID, 'settings_ess_minimum_soc');
    await waitFor(() => rig!.hub.get(GX_ID)!.status.availability === 'online', { what: 'online' });
    const [reading] = await rig.hub.read(GX_ID, ['settings/0/Settings/CGwacs/BatteryLife/MinimumSocLimit']);
    expect(reading!.register.key).toBe('settings_ess_minimum_soc');
    expect(reading!.value).toBe(20);
  });

  it('refuses a value outside the register range without sending it', async () => {
    rig = await startRig({ generation }, { allow_writes: true });
    await rig.until(GX_ID, 'settings_ess_grid_setpoint');
    await waitFor(() => rig!.hub.get(GX_ID)!.status.availability === 'online', { what: 'online' });
    await expect(rig.hub.write(GX_ID, 'settings_ess_grid_setpoint', 20000)).rejects.toThrow(/above the maximum 10000/);
    expect(rig.sim.writes).toEqual([]);
  });

  it('checks the limits the GX publishes, or reports the GX refusing the value', async () => {
    rig = await startRig({ generation }, { allow_writes: true });
    await rig.until(GX_ID, 'settings_ess_max_feed_in_power');
    await waitFor(() => rig!.hub.get(GX_ID)!.status.availability === 'online', { what: 'online' });
    const write = rig.hub.write(GX_ID, 'settings_ess_max_feed_in_power', 400000);
    if (generation === 'flashmq') {
      // flashmq publishes {"max":300000,"min":-1,...}: refused before anything is sent
      await expect(write).rejects.toThrow(/above the maximum 300000 the GX publishes/);
      expect(rig.sim.writes).toEqual([]);
    } else {
      // dbus-mqtt publishes no limits; the GX refuses silently and the read-back times out
      await expect(write).rejects.toThrow(/may have refused/);
      expect(rig.sim.writes).toHaveLength(1);
    }
    expect(rig.sim.value('settings/0/Settings/CGwacs/MaxFeedInPower')).toBe(-1);
  });
});

describe('Victron writes off', () => {
  let rig: Rig | undefined;
  afterEach(async () => rig?.stop());

  it('refuses every write when allow_writes is off and sends nothing', async () => {
    rig = await startRig({ generation: 'flashmq' });
    await rig.until(GX_ID, 'settings_ess_grid_setpoint');
    await waitFor(() => rig!.hub.get(GX_ID)!.status.availability === 'online', { what: 'online' });
    await expect(rig.hub.write(GX_ID, 'settings_ess_grid_setpoint', -200)).rejects.toThrow(
      /^Writes are off for device victron_\w+ \(".*"\): turn on allow_writes in its options$/,
    );
    const controller = rig.hub.get(GX_ID)!.controller;
    await expect(controller.write!('settings_ess_grid_setpoint', -200)).rejects.toThrow(/allow_writes/);
    expect(rig.sim.writes).toEqual([]);
    expect(rig.sim.value(SETPOINT)).toBe(50);
  });
});
