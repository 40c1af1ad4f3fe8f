/** The driver's TCP push listener against the simulator: encrypted telegrams, a wrong key, silence. */
import { afterEach, describe, expect, it } from 'vitest';
import { tableViolations } from '../../../server/core/haRules.ts';
import { readingsPayload } from '../../../server/mqtt/readingsPayload.ts';
import { DlmsPushSim } from '../../../server/sim/dlms/pushSim.ts';
import { freePort, waitFor } from '../../support/ports.ts';
import { deviceWhen, startDriver, type Harness } from './harness.ts';

const ST = '4B464D1010000023';
const EK = '101112131415161718191A1B1C1D1E1F';
const AK = 'D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF';

let harness: Harness | undefined;
let sim: DlmsPushSim | undefined;
afterEach(async () => {
  await sim?.stop();
  await harness?.driver.stop();
  sim = undefined;
  harness = undefined;
});

async function setup(meter: Record<string, unknown>, simKey = EK, security: 'none' | 'encrypt' | 'auth-encrypt' = 'auth-encrypt') {
  const port = await freePort();
  harness = await startDriver({ dlms: { listen: true, listen_port: port }, dlms_meters: [{ mode: 'push', ...meter }] });
  sim = new DlmsPushSim({
    target: { host: '127.0.0.1', port },
    framing: 'wrapper',
    security,
    systemTitle: Buffer.from(ST, 'hex'),
    encryptionKey: Buffer.from(simKey, 'hex'),
    authenticationKey: Buffer.from(AK, 'hex'),
    intervalMs: 100,
  });
  await sim.start();
  return harness;
}

describe('DLMS push over TCP', () => {
  it('a Smarty-style DSMR push publishes the logical device name as text and the clock as ISO 8601 (issue 15)', async () => {
    const port = await freePort();
    harness = await startDriver({
      dlms: { listen: true, listen_port: port },
      dlms_meters: [{ mode: 'push', meter_type: 'smarty_p1', system_title: ST, encryption_key: EK, authentication_key: AK }],
    });
    sim = new DlmsPushSim({
      target: { host: '127.0.0.1', port },
      framing: 'wrapper',
      security: 'auth-encrypt',
      systemTitle: Buffer.from(ST, 'hex'),
      encryptionKey: Buffer.from(EK, 'hex'),
      authenticationKey: Buffer.from(AK, 'hex'),
      intervalMs: 100,
      payload: 'dsmr',
    });
    await sim.start();
    const rec = await deviceWhen(harness, ST, (d) => d.state.LOGICAL_DEVICE_NAME !== undefined, 'DSMR readings');
    expect(rec.state.LOGICAL_DEVICE_NAME).toBe(`SIM${ST}`);
    expect(rec.state.CLOCK).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0[12]:00$/);
    expect(Math.abs(Date.parse(String(rec.state.CLOCK)) - Date.now())).toBeLessThan(60_000);
    expect(rec.state.ACTIVE_ENERGY_IMPORT).toBeCloseTo(1234.567, 0);
  });

  it('decrypts authenticated telegrams and publishes registers named by the table, with the system title as id', async () => {
    const h = await setup({ encryption_key: EK, authentication_key: AK });
    const rec = await deviceWhen(h, ST, (d) => d.state.ACTIVE_ENERGY_IMPORT !== undefined, 'energy reading');
    expect(rec.info).toMatchObject({ kind: 'dlms', manufacturer: 'KFM', telemetry: 'readings' });
    expect(rec.status.availability).toBe('online');
    expect(rec.state.ACTIVE_ENERGY_IMPORT).toBeCloseTo(1234.567, 0);
    expect(rec.state.VOLTAGE_L1).toBeGreaterThan(225);
    expect(rec.state.LOGICAL_DEVICE_NAME).toBe(`SIM${ST}`);
    const energy = rec.registers.find((r) => r.key === 'ACTIVE_ENERGY_IMPORT');
    expect(energy).toMatchObject({ id: '1-0:1.8.0.255', unit: 'kWh', deviceClass: 'energy', stateClass: 'total_increasing' });
    // The manufacturer-specific OBIS code is published under a generated key and listed.
    expect(rec.state.OBIS_1_0_128_7_0_255).toBe(42);
    expect(h.driver.diagnostics?.()).toMatchObject({ meters: [{ unknownObis: ['1-0:128.7.0.255'] }] });
    expect(tableViolations(rec.registers)).toEqual([]);
    const power = rec.registers.find((r) => r.key === 'ACTIVE_POWER_IMPORT')!;
    const payload = readingsPayload(ST, 1, 'dlms', [{ register: power, value: rec.state.ACTIVE_POWER_IMPORT! }]);
    expect(payload.readings.ACTIVE_POWER_IMPORT).toEqual({ value: rec.state.ACTIVE_POWER_IMPORT, unit: 'W', obis: '1-0:1.7.0.255' });
    expect(JSON.stringify(h.logLines())).not.toMatch(new RegExp(`${EK}|${AK}`, 'i'));
  });

  it('a wrong key is diagnosed as a decryption failure, logged once', async () => {
    const h = await setup({ system_title: ST, encryption_key: EK, authentication_key: AK }, '000102030405060708090A0B0C0D0E0F');
    const rec = await deviceWhen(h, ST, (d) => d.status.availability === 'fault', 'fault status');
    expect(rec.status.reason).toMatch(/^telegrams arrive but decryption fails \(wrong key\?\)/);
    expect(rec.state).toEqual({});
    const before = sim!.sent;
    await waitFor(() => sim!.sent >= before + 3, { what: 'more telegrams' });
    const warnings = h.logLines().filter((l) => typeof l.msg === 'string' && l.msg.includes('decryption fails'));
    expect(warnings).toHaveLength(1);
  });

  it('encrypted telegrams without a configured key say so', async () => {
    const h = await setup({ id: 'garage_meter', system_title: ST }, EK, 'encrypt');
    const rec = await deviceWhen(h, 'garage_meter', (d) => d.status.availability === 'fault', 'fault status');
    expect(rec.status.reason).toMatch(/encrypted from system title 4B464D1010000023 but no encryption_key/);
  });

  it('nothing arriving is its own status, and recovery brings the meter online', async () => {
    const h = await setup({ id: 'quiet_meter', encryption_key: EK, authentication_key: AK, timeout: 1 });
    await deviceWhen(h, 'quiet_meter', (d) => d.status.availability === 'online', 'online');
    sim!.fault = 'silent';
    const rec = await deviceWhen(h, 'quiet_meter', (d) => d.status.availability === 'offline', 'silence');
    expect(rec.status.reason).toMatch(/^nothing arrives: no telegram for 1 s/);
    sim!.fault = 'none';
    await deviceWhen(h, 'quiet_meter', (d) => d.status.availability === 'online', 'back online');
  });
});
