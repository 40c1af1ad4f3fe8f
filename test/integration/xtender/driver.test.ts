/** Scan, poll, parameter reads and writes against the simulated Xcom-232i over a real PTY. */
import { afterEach, describe, expect, it } from 'vitest';
import { CommandError, Hub } from '../../../server/core/hub.ts';
import { createLogger } from '../../../server/core/logger.ts';
import { createXtenderDriver } from '../../../server/drivers/xtender/driver.ts';
import { FAMILY_REGISTERS } from '../../../server/drivers/xtender/registers.ts';
import { optionsSchema } from '../../../server/options/schema.ts';
import { parseDeviceList } from '../../../server/sim/xtender/gateway.ts';
import { XtenderSimulator } from '../../../server/sim/xtender/simulator.ts';
import { PtyPair } from '../../support/pty.ts';
import { waitFor } from '../../support/ports.ts';
import { simDeviceId, startRig, type Rig } from './harness.ts';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.stop();
  rig = undefined;
});

describe('xtender driver over a PTY', () => {
  it('scans the bus, names devices by serial number and polls both groups', async () => {
    rig = await startRig({ link: { allow_writes: false } });
    const r = rig;
    const xt1 = simDeviceId(r, 101);
    await waitFor(() => r.hub.list().filter((d) => d.info.id !== undefined).length >= 6, { what: 'six devices (3 XT, VT, BSP, Xcom)' });
    const ids = r.hub.list().map((d) => d.info.id);
    expect(ids).toEqual(expect.arrayContaining([xt1, simDeviceId(r, 102), simDeviceId(r, 103), simDeviceId(r, 301), simDeviceId(r, 601)]));
    expect(ids.some((id) => id.startsWith('xtender_xcom_'))).toBe(true);
    const info = r.hub.get(xt1)!.info;
    expect(info).toMatchObject({ manufacturer: 'Studer Innotec', model: 'XTH', swVersion: '1.6.30', name: 'Xtender 1' });

    await waitFor(
      () => typeof r.hub.get(xt1)?.state.battery_voltage === 'number' && typeof r.hub.get(xt1)?.state.output_current === 'number',
      { what: 'xt readings' },
    );
    const state = r.hub.get(xt1)!.state;
    expect(state.battery_voltage as number).toBeGreaterThan(45);
    expect(state.battery_voltage as number).toBeLessThan(56);
    expect(state.operating_state).toBe('Charger');
    expect(state.transfer_relay).toBe('Closed');
    expect(r.hub.get(xt1)!.status.availability).toBe('online');
    await waitFor(() => r.hub.get(simDeviceId(r, 301))?.state.operating_mode === 'Charge', { what: 'VT enum label' });
    await waitFor(() => typeof r.hub.get(simDeviceId(r, 601))?.state.battery_soc === 'number', { what: 'BSP soc' });
  });

  it('publishes float32 values rounded to the register precision, parameters to their step', async () => {
    rig = await startRig({ devices: 'xt:1' });
    const r = rig;
    const id = simDeviceId(r, 101);
    const floats = FAMILY_REGISTERS.xtender.filter((x) => x.objectType === 'info' && x.format === 'float' && x.precision !== undefined);
    await waitFor(() => floats.every((x) => typeof r.hub.get(id)?.state[x.key] === 'number'), { what: 'every float info published' });
    const state = r.hub.get(id)!.state;
    const unrounded = floats.filter((x) => state[x.key] !== Number((state[x.key] as number).toFixed(x.precision)));
    expect(unrounded.map((x) => `${x.key}=${state[x.key]}`)).toEqual([]);
    // 54.4 as float32 is 54.400001525878906.
    const [floating] = await r.hub.read(id, ['floating_voltage']);
    expect(floating!.value).toBe(54.4);
  });

  it('reads a parameter with the device range, round-trips a RAM write, and refuses writes when not allowed', async () => {
    rig = await startRig({ devices: 'xt:1', link: { allow_writes: true } });
    const r = rig;
    const id = simDeviceId(r, 101);
    await waitFor(() => r.hub.get(id)?.status.availability === 'online', { what: 'online' });

    const [read] = await r.hub.read(id, ['max_ac_input_current']);
    expect(read!.value).toBe(32);
    const reg = r.hub.get(id)!.registers.find((x) => x.key === 'max_ac_input_current')!;
    expect([reg.min, reg.max, reg.writable, reg.entityCategory]).toEqual([2, 50, true, 'config']);

    expect(await r.hub.write(id, 'max_ac_input_current', 16)).toBe(16);
    expect(r.sim.gateway.parameter(101, 1107)).toEqual({ flash: 32, ram: 16 });
    expect(r.sim.gateway.stats.flashWrites).toBe(0);

    expect(await r.hub.write(id, 'charger_allowed', 'OFF')).toBe(false);
    expect(r.sim.gateway.parameter(101, 1125)?.ram).toBe(0);
    expect(await r.hub.write(id, 'grid_loss_detection', 'Fast')).toBe('Fast');
    expect(r.sim.gateway.parameter(101, 1552)?.ram).toBe(4);

    await expect(r.hub.write(id, 'max_ac_input_current', 80)).rejects.toThrow(/above the device's maximum 50/);
    await expect(r.hub.write(id, 'battery_voltage', 50)).rejects.toThrow(/read-only/);
  });

  it('refuses a write through the hub when writes are not allowed for the device', async () => {
    rig = await startRig({ devices: 'xt:1', link: { allow_writes: false } });
    const r = rig;
    const id = simDeviceId(r, 101);
    await waitFor(() => r.hub.get(id)?.status.availability === 'online', { what: 'online' });
    const attempt = r.hub.write(id, 'max_ac_input_current', 16);
    await expect(attempt).rejects.toBeInstanceOf(CommandError);
    await expect(attempt).rejects.toThrow(/Writes are off for device .*: turn on allow_writes in its options/);
    expect(r.sim.gateway.stats.ramWrites + r.sim.gateway.stats.flashWrites).toBe(0);
  });

  it('writes to flash only when enabled, counts the write and spaces the next one', async () => {
    rig = await startRig({ devices: 'xt:1', link: { allow_writes: true, allow_flash_writes: true, flash_write_min_interval: 60 } });
    const r = rig;
    const id = simDeviceId(r, 101);
    await waitFor(() => r.hub.get(id)?.status.availability === 'online', { what: 'online' });
    expect(await r.hub.write(id, 'battery_charge_current_setting', 40)).toBe(40);
    expect(r.sim.gateway.parameter(101, 1138)).toEqual({ flash: 40, ram: 40 });
    expect(r.hub.get(id)!.diagnostics.flashWrites).toEqual({ 1138: 1 });
    await expect(r.hub.write(id, 'battery_charge_current_setting', 41)).rejects.toThrow(/less than 60 min ago/);
    expect(r.sim.gateway.stats.flashWrites).toBe(1);
  });

  it('falls back to property 0x0005 for user infos when the gateway refuses 0x0001', async () => {
    rig = await startRig({ devices: 'xt:1', infoProperties: [0x05] });
    const r = rig;
    const id = simDeviceId(r, 101);
    await waitFor(() => typeof r.hub.get(id)?.state.battery_voltage === 'number', { what: 'readings via 0x0005' });
    expect(r.hub.get(id)!.info.serialNumber).toBe(r.sim.gateway.devices[0]!.fid.toString(16).toUpperCase().padStart(8, '0'));
  });

  it('tests a connection for onboarding without keeping the port', async () => {
    const pty = await PtyPair.open();
    const sim = new XtenderSimulator({ path: pty.b, devices: parseDeviceList('xt:1,bsp:1') });
    await sim.start();
    try {
      const driver = createXtenderDriver({
        hub: new Hub(),
        log: createLogger('silent'),
        options: optionsSchema.parse({}),
        dataDir: '/nonexistent',
        reportConfigError: () => undefined,
      });
      const ok = await driver.testConnection!({ serial_port: pty.a });
      expect(ok).toMatchObject({
        ok: true,
        details: {
          devices: [
            expect.objectContaining({ family: 'xcom' }),
            expect.objectContaining({ address: 101, model: 'XTH' }),
            expect.objectContaining({ address: 601 }),
          ],
        },
      });
      expect(await driver.testConnection!({ serial_port: pty.a, baud: 9600 })).toEqual({
        ok: false,
        message: 'baud: must be 38400 or 115200',
      });
      const missing = await driver.testConnection!({ serial_port: '/dev/serial/by-id/nothing-here' });
      expect(missing.ok).toBe(false);
      expect(missing.message).toMatch(/nothing-here: cannot open/);
    } finally {
      await sim.stop();
      await pty.close();
    }
  });
});
