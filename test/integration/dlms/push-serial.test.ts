/** The driver's serial push reader on a real PTY pair, fed by the simulator: M-Bus, HDLC, line faults. */
import { afterEach, describe, expect, it } from 'vitest';
import { DlmsPushSim, type Fault, type Framing } from '../../../server/sim/dlms/pushSim.ts';
import { PtyPair } from '../../support/pty.ts';
import { deviceWhen, startDriver, type Harness } from './harness.ts';

const ST = '4B464D6750000009';
const EK = '36C66639E48A8CA4D6BC8B282A793BBB';

let harness: Harness | undefined;
let sim: DlmsPushSim | undefined;
let pty: PtyPair | undefined;
afterEach(async () => {
  await sim?.stop();
  await harness?.driver.stop();
  await pty?.close();
  sim = undefined;
  harness = undefined;
  pty = undefined;
});

async function setup(framing: Framing, fault: Fault = 'none') {
  pty = await PtyPair.open();
  harness = await startDriver({
    dlms_meters: [{ id: 'kaifa', mode: 'push', meter_type: 'austria_mbus', serial_port: pty.a, encryption_key: EK }],
  });
  await startSim(framing, fault);
  return harness;
}

async function startSim(framing: Framing, fault: Fault = 'none') {
  sim = new DlmsPushSim({
    target: { serialPath: pty!.b },
    framing,
    security: 'encrypt',
    fault,
    systemTitle: Buffer.from(ST, 'hex'),
    encryptionKey: Buffer.from(EK, 'hex'),
    authenticationKey: Buffer.alloc(16),
    intervalMs: 100,
  });
  await sim.start();
}

describe('DLMS push over a serial port (PTY)', () => {
  it('reads encrypted M-Bus telegrams (two segments) at the Austrian line settings', async () => {
    const h = await setup('mbus');
    const rec = await deviceWhen(h, 'kaifa', (d) => d.state.ACTIVE_POWER_IMPORT !== undefined, 'readings');
    expect(rec.status.availability).toBe('online');
    expect(rec.state.ACTIVE_ENERGY_EXPORT).toBeCloseTo(89.012, 3);
    expect(h.driver.diagnostics?.()).toMatchObject({ meters: [{ serial: expect.stringContaining('2400 baud 8E1'), systemTitle: ST }] });
  });

  it('reads segmented HDLC telegrams', async () => {
    const h = await setup('hdlc');
    await deviceWhen(h, 'kaifa', (d) => d.state.CURRENT_L1 !== undefined, 'readings');
  });

  it('damaged frames are diagnosed as a line problem, not a key problem', async () => {
    const h = await setup('mbus', 'corrupt');
    const rec = await deviceWhen(h, 'kaifa', (d) => d.status.availability === 'fault', 'fault');
    expect(rec.status.reason).toMatch(/^frames arrive but are corrupt \(baud\/parity\?\)/);
  });

  it('noise (a wrong baud rate) is diagnosed the same way', async () => {
    const h = await setup('hdlc', 'garbage');
    const rec = await deviceWhen(h, 'kaifa', (d) => d.status.availability === 'fault', 'fault');
    expect(rec.status.reason).toMatch(/^frames arrive but are corrupt/);
  });

  it('a missing serial port is reported and the driver keeps running', async () => {
    harness = await startDriver({ dlms_meters: [{ id: 'nowhere', mode: 'push', serial_port: '/dev/does-not-exist-dlms' }] });
    const h = harness;
    const rec = await deviceWhen(h, 'nowhere', (d) => d.status.availability === 'offline', 'offline');
    expect(rec.status.reason).toBe('serial port /dev/does-not-exist-dlms is not there (adapter unplugged?)');
    expect(h.driver.diagnostics?.()).toMatchObject({ meters: [{ waitingForPort: true }] });
  });

  it('an unplugged adapter is reported as gone and read again soon after it is plugged back in', async () => {
    const h = await setup('mbus');
    await deviceWhen(h, 'kaifa', (d) => d.status.availability === 'online', 'online');
    await sim!.stop();
    await pty!.close();
    const gone = await deviceWhen(h, 'kaifa', (d) => d.status.availability === 'offline', 'offline after unplug');
    expect(gone.status.reason).toBe(`serial port ${pty!.a} is not there (adapter unplugged?)`);
    // Long enough that a backoff from 1 s would have grown to 8 s between attempts.
    await new Promise((resolve) => setTimeout(resolve, 8000));

    await pty!.reopen();
    await startSim('mbus');
    const back = Date.now();
    await deviceWhen(
      h,
      'kaifa',
      (d) => d.status.availability === 'online' && (d.updated.ACTIVE_POWER_IMPORT ?? 0) > back,
      'online again',
      5000,
    );
    expect(h.driver.diagnostics?.()).toMatchObject({ meters: [{ waitingForPort: false }] });
  }, 30_000);
});
