/**
 * A bug while handling a pushed telegram faults that meter (not just a log line) and its
 * session restarts after the boundary's backoff, with the next telegram bringing it back.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MeterDevice } from '../../../server/drivers/dlms/meterDevice.ts';
import { DlmsPushSim } from '../../../server/sim/dlms/pushSim.ts';
import { freePort } from '../../support/ports.ts';
import { deviceWhen, startDriver, type Harness } from './harness.ts';

const ST = '4B464D1010000023';
const EK = '101112131415161718191A1B1C1D1E1F';
const AK = 'D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF';

let harness: Harness | undefined;
let sim: DlmsPushSim | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await sim?.stop();
  await harness?.driver.stop();
  sim = undefined;
  harness = undefined;
});

describe('DLMS session boundary', () => {
  it('a defect in telegram handling faults the meter, which its restarted session brings back', async () => {
    const port = await freePort();
    const h = await startDriver({
      dlms: { listen: true, listen_port: port },
      dlms_meters: [{ mode: 'push', name: 'Basement meter', encryption_key: EK, authentication_key: AK, system_title: ST }],
    });
    harness = h;
    const seen: { availability: string; reason?: string }[] = [];
    h.hub.on('status', (rec) => seen.push({ availability: rec.status.availability, reason: rec.status.reason }));
    const publish = MeterDevice.prototype.publish;
    let thrown = 0;
    vi.spyOn(MeterDevice.prototype, 'publish').mockImplementation(function (
      this: MeterDevice,
      ...args: Parameters<MeterDevice['publish']>
    ) {
      if (thrown === 0) {
        thrown++;
        throw new TypeError("Cannot read properties of undefined (reading 'scaler')");
      }
      publish.apply(this, args);
    });
    sim = new DlmsPushSim({
      target: { host: '127.0.0.1', port },
      framing: 'wrapper',
      security: 'auth-encrypt',
      systemTitle: Buffer.from(ST, 'hex'),
      encryptionKey: Buffer.from(EK, 'hex'),
      authenticationKey: Buffer.from(AK, 'hex'),
      intervalMs: 100,
    });
    await sim.start();

    await deviceWhen(h, ST, () => seen.some((s) => s.availability === 'fault'), 'the meter in fault', 20_000);
    expect(seen.find((s) => s.availability === 'fault')?.reason).toBe(
      "internal error: Cannot read properties of undefined (reading 'scaler')",
    );
    const faultLines = h.logLines().filter((l) => l.level === 50);
    expect(faultLines).toHaveLength(1);
    expect(faultLines[0]!.msg).toContain('Basement meter');
    await deviceWhen(h, ST, (d) => d.status.availability === 'online' && d.state.ACTIVE_ENERGY_IMPORT !== undefined, 'back online', 20_000);
  }, 60_000);
});
