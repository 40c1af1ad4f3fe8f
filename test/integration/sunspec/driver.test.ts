/**
 * The SunSpec driver, built through its definition, against the simulator over real
 * loopback TCP: discovery, identity from model 1, entities, night, a write with read-back,
 * faults and a reconnect after the server restarts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { CommandError, Hub, WritesOffError } from '../../../server/core/hub.ts';
import { createLogger } from '../../../server/core/logger.ts';
import { sunspecDefinition } from '../../../server/drivers/sunspec/definition.ts';
import type { Driver } from '../../../server/drivers/types.ts';
import { discoveryPayload } from '../../../server/mqtt/discovery.ts';
import { optionsSchema } from '../../../server/options/schema.ts';
import { SunSpecSim, type SunSpecSimOptions } from '../../../server/sim/sunspec/simulator.ts';
import { freePort, waitFor } from '../../support/ports.ts';

interface Rig {
  sim: SunSpecSim;
  hub: Hub;
  driver: Driver;
  logLines: string[];
  configErrors: string[];
  dir: string;
}

const rigs: Rig[] = [];
const dirs: string[] = [];
const SERIAL = '90554KPL00042';
const INVERTER = `sunspec_kostal_${SERIAL}`;
const METER = 'sunspec_kostal_KSEML00042';

/** A simulator (or the one of `again`, as after a restart of the bridge) and the driver, built through its definition. */
async function rig(simOpts: SunSpecSimOptions = {}, entries?: Record<string, unknown>[], again?: Rig): Promise<Rig> {
  const port = again?.sim.port ?? (await freePort());
  const sim = again?.sim ?? new SunSpecSim({ port, serial: SERIAL, clock: { hour: 12 }, ...simOpts });
  if (!again) await sim.start();
  const hub = new Hub();
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logLines.push(String(chunk));
      cb();
    },
  });
  const dir = again?.dir ?? mkdtempSync(path.join(tmpdir(), 'sunspec-'));
  dirs.push(dir);
  // Generous against a loaded machine: a slow answer must not pass for night.
  const base = { host: '127.0.0.1', port, poll_interval: 2, timeout: 4 };
  const sunspec = entries?.map((e) => ({ ...base, ...e })) ?? [
    { ...base, unit_id: 71, allow_writes: true },
    { ...base, unit_id: 72 },
  ];
  const configErrors: string[] = [];
  const { createDriver } = await sunspecDefinition.load();
  const driver = createDriver({
    hub,
    log: createLogger('info', sink),
    options: optionsSchema.parse({ sunspec }),
    dataDir: dir,
    reportConfigError: (where, message) => configErrors.push(`${where}: ${message}`),
  });
  await driver.start();
  const r = { sim, hub, driver, logLines, configErrors, dir };
  rigs.push(r);
  return r;
}

afterEach(async () => {
  for (const r of rigs.splice(0)) {
    await r.driver.stop();
    await r.sim.stop();
  }
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const status = (r: Rig, id: string) => r.hub.get(id)?.status.availability;
const state = (r: Rig, id: string) => r.hub.get(id)?.state ?? {};
const LONG = { timeoutMs: 30_000 };
const connections = (r: Rig) => (r.driver.diagnostics?.().connections ?? []) as { timeouts: number; connects: number }[];

describe('SunSpec driver against the simulator', () => {
  it('finds the models, names each device from model 1 and publishes their values', async () => {
    const r = await rig();
    await waitFor(() => status(r, INVERTER) === 'online' && status(r, METER) === 'online', { ...LONG, what: 'both devices online' });
    const inverter = r.hub.get(INVERTER)!;
    expect(inverter.info).toMatchObject({
      manufacturer: 'KOSTAL',
      model: 'PLENTICORE plus 10',
      serialNumber: SERIAL,
      swVersion: '01.24.09',
    });
    expect(inverter.diagnostics.models).toEqual([
      expect.objectContaining({ id: 1, address: 40002 }),
      expect.objectContaining({ id: 103 }),
      expect.objectContaining({ id: 120 }),
      expect.objectContaining({ id: 123 }),
      expect.objectContaining({ id: 124 }),
      expect.objectContaining({ id: 160 }),
      expect.objectContaining({ id: 713 }),
    ]);
    // Nothing is left under the address it was listed by before it answered.
    expect(
      r.hub
        .list()
        .map((d) => d.info.id)
        .sort(),
    ).toEqual([INVERTER, METER].sort());
    await waitFor(() => typeof state(r, INVERTER).inverter_w === 'number', { ...LONG, what: 'inverter values' });
    const s = state(r, INVERTER);
    expect(s.inverter_w).toBeGreaterThan(1000);
    expect(s.inverter_st).toBe('MPPT');
    expect(s.inverter_wh).toBeGreaterThan(12_000);
    expect(s.mppt_module1_dcw).toBeGreaterThan(0);
    expect(s.mppt_module2_dcv).toBe(640);
    expect(s.storage_chastate).toBeGreaterThan(0);
    expect(s.inverter_tmpsnk).toBeNull();
    await waitFor(() => typeof state(r, METER).meter_totwhimp === 'number', { ...LONG, what: 'meter values' });
    expect(r.hub.get(METER)!.info.model).toBe('KSEM');
    expect(state(r, METER).meter_phvphb).toBe(231);
    // Home Assistant discovery: energy in kWh as a growing total, the state as an enum, controls as numbers.
    const cmps = discoveryPayload(
      { base: 'wattwire', bridge: 'wattwire/bridge', discoveryPrefix: 'homeassistant', version: 'test' },
      inverter,
    ).cmps as Record<string, Record<string, unknown>>;
    expect(cmps.inverter_wh).toMatchObject({ p: 'sensor', dev_cla: 'energy', unit_of_meas: 'kWh', stat_cla: 'total_increasing' });
    expect(cmps.inverter_st).toMatchObject({ dev_cla: 'enum', ops: expect.arrayContaining(['MPPT', 'SLEEPING']) });
    expect(cmps.controls_wmaxlimpct).toMatchObject({ p: 'number', min: 0, max: 100 });
    expect(cmps.storage_chastate).toMatchObject({ dev_cla: 'battery', unit_of_meas: '%' });
    // The inverter's polled models are read in two requests of at most 125 registers.
    expect(inverter.diagnostics).toMatchObject({ requestsPerPoll: 2, registersPerPoll: 191 });
  });

  it('is asleep at dusk and while silent at night, keeping its counters, and wakes in the morning', async () => {
    const r = await rig({}, [{ unit_id: 71 }]);
    await waitFor(() => typeof state(r, INVERTER).inverter_wh === 'number', { ...LONG, what: 'first values' });
    r.sim.setHour(20.5);
    await waitFor(() => status(r, INVERTER) === 'asleep', { ...LONG, what: 'asleep at dusk (SLEEPING)' });
    const energy = state(r, INVERTER).inverter_wh;
    r.sim.setHour(23);
    await waitFor(() => (connections(r)[0]?.timeouts ?? 0) >= 1, { ...LONG, what: 'a poll that timed out at night' });
    expect(status(r, INVERTER)).toBe('asleep');
    expect(r.hub.get(INVERTER)?.status.reason).toMatch(/not answering since dusk/);
    expect(state(r, INVERTER).inverter_wh).toBe(energy);
    r.sim.setHour(10);
    await waitFor(() => status(r, INVERTER) === 'online', { ...LONG, what: 'online in the morning' });
    // A line per change of availability, not per poll.
    expect(r.logLines.filter((l) => l.includes(': asleep'))).toHaveLength(1);
  });

  it('after a restart at night the inverter is listed under its serial number with its entities, asleep, not a fault', async () => {
    const day = await rig({}, [{ unit_id: 71 }]);
    await waitFor(() => typeof state(day, INVERTER).inverter_wh === 'number', { ...LONG, what: 'first values' });
    day.sim.setHour(21);
    await waitFor(() => status(day, INVERTER) === 'asleep', { ...LONG, what: 'asleep at dusk' });
    await day.driver.stop();
    day.sim.setHour(23);
    const night = await rig({}, [{ unit_id: 71 }], day);
    await waitFor(() => status(night, INVERTER) === 'asleep', { ...LONG, what: 'asleep after the restart' });
    expect(night.hub.list().map((d) => d.info.id)).toEqual([INVERTER]);
    expect(night.hub.get(INVERTER)?.registers.map((r) => r.key)).toContain('inverter_wh');
    expect(night.hub.get(INVERTER)?.info.serialNumber).toBe(SERIAL);
  });

  it('lists a device named twice once, and says so', async () => {
    const r = await rig({}, [{ unit_id: 72 }, { unit_id: 72, name: 'again' }]);
    await waitFor(() => status(r, METER) === 'online', { ...LONG, what: 'online' });
    expect(r.configErrors).toEqual([expect.stringMatching(/^sunspec\[1\]: 127\.0\.0\.1:\d+ unit 72 is listed twice/)]);
  });

  it('writes a control point and reads it back; refuses values out of range and writes that are off', async () => {
    const r = await rig();
    await waitFor(() => status(r, INVERTER) === 'online' && status(r, METER) === 'online', { ...LONG, what: 'online' });
    expect(await r.hub.write(INVERTER, 'controls_wmaxlimpct', 60)).toBe(60);
    const controls = r.sim.device(71)!.models.find((m) => m.id === 123)!.block.values;
    expect(controls.WMaxLimPct).toBe(60);
    expect(await r.hub.write(INVERTER, 'controls_wmaxlim_ena', 'ENABLED')).toBe('ENABLED');
    expect(controls.WMaxLim_Ena).toBe(1);
    await expect(r.hub.write(INVERTER, 'controls_wmaxlimpct', 150)).rejects.toThrow(/above the maximum 100/);
    await expect(r.hub.write(INVERTER, 'inverter_w', 100)).rejects.toThrow(CommandError);
    // The charge limit is bounded by the nameplate's power rating (model 120: 10 kW).
    await expect(r.hub.write(INVERTER, 'storage_wchamax', 12_000)).rejects.toThrow(/above the maximum 10000/);
    expect(await r.hub.write(INVERTER, 'storage_wchamax', 4000)).toBe(4000);
    expect(controls.WMaxLimPct).toBe(60);
    // A device that refuses is the user's answer (HTTP 400), not an internal error.
    r.sim.setFault('exception');
    const refused = r.hub.write(INVERTER, 'controls_wmaxlimpct', 70);
    await expect(refused).rejects.toBeInstanceOf(CommandError);
    await expect(refused).rejects.toThrow(/Modbus exception 4 \(server device failure\)/);
    r.sim.setFault(null);
    // The power follows the limit.
    await waitFor(() => Number(state(r, INVERTER).inverter_w) <= 6000, { ...LONG, what: 'limited power' });
    const off = await rig({}, [{ unit_id: 71, allow_writes: false }]);
    await waitFor(() => status(off, INVERTER) === 'online', { ...LONG, what: 'online' });
    await expect(off.hub.write(INVERTER, 'controls_wmaxlimpct', 50)).rejects.toBeInstanceOf(WritesOffError);
  });

  it('reconnects with backoff after the server restarts', async () => {
    const r = await rig({}, [{ unit_id: 72 }]);
    await waitFor(() => status(r, METER) === 'online', { ...LONG, what: 'online' });
    await r.sim.stop();
    await waitFor(() => status(r, METER) === 'offline', { ...LONG, what: 'offline while the server is down' });
    await r.sim.start();
    await waitFor(() => status(r, METER) === 'online', { ...LONG, what: 'online again' });
    expect(connections(r)[0]?.connects).toBeGreaterThanOrEqual(2);
  });

  it('a wrong marker and exception answers are faults naming the reason; the device recovers', async () => {
    const r = await rig({}, [{ unit_id: 72 }]);
    await waitFor(() => status(r, METER) === 'online', { ...LONG, what: 'online' });
    r.sim.setFault('exception');
    await waitFor(() => status(r, METER) === 'fault', { ...LONG, what: 'fault on exceptions' });
    expect(r.hub.get(METER)?.status.reason).toMatch(/Modbus exception 4 \(server device failure\)/);
    r.sim.setFault('wrong-marker');
    await waitFor(() => /no SunSpec marker/.test(r.hub.get(METER)?.status.reason ?? ''), { ...LONG, what: 'the marker named' });
    r.sim.setFault(null);
    await waitFor(() => status(r, METER) === 'online', { ...LONG, what: 'online after the fault' });
  });

  it('finds the marker at 0 and 50000 too, and reads a device that takes fewer registers per request', async () => {
    for (const base of [0, 50000]) {
      const r = await rig({ base }, [{ unit_id: 71, max_registers: 60 }]);
      await waitFor(() => status(r, INVERTER) === 'online', { ...LONG, what: `online with the marker at ${base}` });
      expect(r.hub.get(INVERTER)?.diagnostics).toMatchObject({ baseAddress: base, requestsPerPoll: Math.ceil(191 / 60) });
    }
  });

  it('reads a device that refuses reads across models model by model', async () => {
    const r = await rig({ perModelReads: true }, [{ unit_id: 71 }]);
    await waitFor(() => status(r, INVERTER) === 'online', { ...LONG, what: 'online' });
    // Models 103, 120, 123, 124, 160 and 713, one request each.
    expect(r.hub.get(INVERTER)?.diagnostics).toMatchObject({ requestsPerPoll: 6, registersPerPoll: 191 });
    expect(r.logLines.some((l) => l.includes('reading each model on its own'))).toBe(true);
  });

  it('tests a connection for the wizard: the identity and the models', async () => {
    const r = await rig({}, []);
    const result = await r.driver.testConnection?.({ host: '127.0.0.1', port: r.sim.port, unit_id: 71, timeout: 2 });
    expect(result).toMatchObject({ ok: true, details: { serial: SERIAL, deviceId: INVERTER, baseAddress: 40000 } });
    expect(result?.message).toMatch(/KOSTAL PLENTICORE plus 10, serial 90554KPL00042: models 1, 103, 120, 123, 124, 160, 713 at 40000/);
    // Over the connection the driver already has to that address.
    const running = await rig({}, [{ unit_id: 72 }]);
    await waitFor(() => status(running, METER) === 'online', { ...LONG, what: 'online' });
    const shared = await running.driver.testConnection?.({ host: '127.0.0.1', port: running.sim.port, unit_id: 71, timeout: 2 });
    expect(shared).toMatchObject({ ok: true, details: { deviceId: INVERTER } });
    expect(connections(running)).toHaveLength(1);
    expect(connections(running)[0]!.connects).toBe(1);
    const refused = await r.driver.testConnection?.({ host: '127.0.0.1', port: await freePort(), timeout: 1 });
    expect(refused).toMatchObject({ ok: false });
    expect(refused?.message).toMatch(/cannot connect/);
  });
});
