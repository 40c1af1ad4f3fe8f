/**
 * Entities from the simulated GX: one device per service instance, null values, a device
 * leaving the bus (empty payloads) and returning, extra paths, bad payloads, configuration.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../support/ports.ts';
import { GX_ID, PORTAL, startRig, type Rig } from './harness.ts';

const MPPT = `${GX_ID}_solarcharger_279`;

describe.each(['flashmq', 'dbus-mqtt'] as const)('Victron devices with %s', (generation) => {
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.stop();
    rig = undefined;
  });

  it('learns the portal id and maps the capture to devices with null for invalid values', async () => {
    rig = await startRig({ generation });
    await rig.until(MPPT, 'solarcharger_pv_voltage');
    const gx = rig.hub.get(GX_ID)!;
    expect(gx.info.serialNumber).toBe(PORTAL);
    expect(await rig.until(GX_ID, 'system_consumption_l2_power', () => true)).toBeNull();
    expect(await rig.until(GX_ID, 'system_battery_state')).toBe('Charging');
    expect(await rig.until(GX_ID, 'settings_ess_minimum_soc')).toBe(20);
    expect(rig.hub.get(MPPT)!.info.model).toBe('SmartSolar Charger MPPT 150/35');
    expect(rig.hub.get(`${GX_ID}_vebus_276`)!.state.vebus_state).toBe('Bulk');
    expect(await rig.until(`${GX_ID}_grid_30`, 'grid_energy_import')).toBeCloseTo(4321.87, 2);
    // writes are off: settings come as plain sensors
    expect(gx.registers.find((r) => r.key === 'settings_ess_grid_setpoint')?.writable).toBe(false);
  });

  it('makes a device that leaves the bus unavailable, and brings it back when it returns', async () => {
    rig = await startRig({ generation });
    await rig.until(MPPT, 'solarcharger_pv_power');
    await waitFor(() => rig!.hub.get(MPPT)!.status.availability === 'online', { what: 'MPPT online' });
    rig.sim.removeService('solarcharger/279');
    await waitFor(() => rig!.hub.get(MPPT)!.status.availability === 'offline', { what: 'MPPT offline' });
    expect(rig.hub.get(MPPT)!.status.reason).toMatch(/left/);
    expect(rig.hub.get(GX_ID)!.status.availability).toBe('online');
    const before = rig.hub.get(MPPT)!.updated.solarcharger_battery_voltage;
    rig.sim.restoreService('solarcharger/279');
    await waitFor(() => rig!.hub.get(MPPT)!.status.availability === 'online', { what: 'MPPT back online' });
    expect(rig.hub.get(MPPT)!.updated.solarcharger_battery_voltage).toBeGreaterThan(before!);
  });
});

describe('Victron driver options and faults', () => {
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.stop();
    rig = undefined;
  });

  it('publishes extra paths by pattern and survives a payload that is not JSON', async () => {
    rig = await startRig(
      { generation: 'flashmq' },
      { portal_id: PORTAL.toUpperCase(), extra_paths: 'system/0/Ac/Consumption/NumberOfPhases, vebus/+/ProductName' },
    );
    expect(await rig.until(GX_ID, 'system_ac_consumption_numberofphases')).toBe(1);
    expect(await rig.until(`${GX_ID}_vebus_276`, 'vebus_productname')).toBe('MultiPlus-II 48/5000/70-50');
    rig.sim.sendGarbage();
    await waitFor(() => rig!.diag().invalidPayloads >= 1, { what: 'invalid payload counted' });
    const at = Date.now();
    await rig.until(GX_ID, 'system_battery_soc', () => rig!.hub.get(GX_ID)!.updated.system_battery_soc! > at);
    expect(rig.hub.get(GX_ID)!.status.availability).toBe('online');
  });

  it('uses credentials, and reports wrong ones without a crash', async () => {
    rig = await startRig({ username: 'remoteconsole', password: 'secret' }, { username: 'remoteconsole', password: 'secret', id: 'my_gx' });
    await rig.until('my_gx', 'system_battery_soc');
    await rig.stop();
    rig = await startRig(
      { username: 'remoteconsole', password: 'secret' },
      { username: 'remoteconsole', password: 'wrong', portal_id: PORTAL },
    );
    await waitFor(() => rig!.diag().lastError, { what: 'connection error' });
    expect(rig.diag().lastError).toMatch(/[Nn]ot authori[sz]ed|[Bb]ad user/);
    // Never connected: a wrong login is a fault with the reason, not an outage to wait out.
    expect(rig.hub.get(GX_ID)!.status).toMatchObject({
      availability: 'fault',
      reason: expect.stringMatching(/^never connected: .*([Nn]ot authori[sz]ed|[Bb]ad user)/),
    });
  });

  it('names the missing user name when a password comes without one, in the wizard and for the configured system', async () => {
    rig = await startRig({ username: 'remoteconsole', password: 'secret' }, { password: 'secret' });
    expect(rig.errors.join('\n')).toMatch(/victron\[0\]: username is required with a password: .*remoteconsole.*VRM e-mail/);
    const tested = await rig.driver.testConnection!({ host: '127.0.0.1', port: rig.sim.port, password: 'secret' });
    expect(tested.ok).toBe(false);
    expect(tested.message).toMatch(/username: .*remoteconsole/);
  });

  it('tests a connection for onboarding: the GX answers with its portal id, a closed port does not', async () => {
    rig = await startRig({});
    const ok = await rig.driver.testConnection!({ host: '127.0.0.1', port: rig.sim.port });
    expect(ok).toMatchObject({ ok: true, details: { portalId: PORTAL } });
    await rig.sim.stop();
    const closed = await rig.driver.testConnection!({ host: '127.0.0.1', port: rig.sim.port });
    expect(closed.ok).toBe(false);
    expect(closed.message).toMatch(/127\.0\.0\.1/);
    expect((await rig.driver.testConnection!({ vrm: true })).message).toMatch(/portal_id/);
  });

  it('reports a system without host or portal id and runs the others', async () => {
    rig = await startRig({}, {});
    const { createVictronDriver } = await import('../../../server/drivers/victron/driver.ts');
    const { optionsSchema } = await import('../../../server/options/schema.ts');
    const { createLogger } = await import('../../../server/core/logger.ts');
    const errors: string[] = [];
    const driver = createVictronDriver({
      hub: rig.hub,
      log: createLogger('silent'),
      options: optionsSchema.parse({ victron: [{ vrm: true }, { host: '127.0.0.1', port: rig.sim.port, id: 'second' }] }),
      dataDir: '/tmp',
      reportConfigError: (where, message) => errors.push(`${where}: ${message}`),
    });
    await driver.start();
    try {
      await rig.until('second', 'system_battery_soc');
      expect(errors.join('\n')).toMatch(/victron\[0\]: portal_id is required with vrm/);
    } finally {
      await driver.stop();
    }
  });
});
