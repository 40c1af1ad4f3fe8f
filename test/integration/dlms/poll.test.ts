/** GET polling over the TCP wrapper against the simulator's meter: LLS password, identity, scaler/unit, missing objects. */
import { afterEach, describe, expect, it } from 'vitest';
import { DlmsGetServer } from '../../../server/sim/dlms/getServer.ts';
import { waitFor } from '../../support/ports.ts';
import { deviceWhen, startDriver, type Harness } from './harness.ts';

let harness: Harness | undefined;
let server: DlmsGetServer | undefined;
afterEach(async () => {
  await harness?.driver.stop();
  await server?.stop();
  harness = undefined;
  server = undefined;
});

describe('DLMS GET polling', () => {
  it('associates with the password, names the meter by its logical device name and reads scaled values', async () => {
    server = new DlmsGetServer('YTL102000000000000', 'secret12');
    const port = await server.listen();
    harness = await startDriver({ dlms_meters: [{ mode: 'poll', host: '127.0.0.1', port, password: 'secret12', poll_interval: 1 }] });
    const h = harness;
    const rec = await deviceWhen(h, 'YTL102000000000000', (d) => d.state.VOLTAGE_L1 !== undefined, 'poll');
    expect(rec.status.availability).toBe('online');
    expect(rec.state.VOLTAGE_L1).toBeGreaterThan(225);
    expect(rec.state.VOLTAGE_L1).toBeLessThan(235);
    expect(rec.state.FREQUENCY).toBeGreaterThan(49.8);
    expect(rec.state.ACTIVE_ENERGY_IMPORT).toBeGreaterThan(1234);
    expect(rec.state.POWER_FACTOR_TOTAL).toBe(0.97);
    // Objects the meter does not have are asked once, then skipped.
    const diag = (h.driver.diagnostics!() as { meters: { absentObis: string[] }[] }).meters[0];
    expect(diag!.absentObis).toContain('1-0:15.8.0.255');
    const before = server.requests;
    const [reading] = await h.hub.read('YTL102000000000000', ['ACTIVE_POWER_IMPORT']);
    expect(typeof reading!.value).toBe('number');
    expect(server.requests).toBeGreaterThan(before);
  });

  it('a wrong password is its own diagnosis', async () => {
    server = new DlmsGetServer('YTL1', 'right');
    const port = await server.listen();
    harness = await startDriver({ dlms_meters: [{ id: 'ivy', mode: 'poll', host: '127.0.0.1', port, password: 'wrong' }] });
    const h = harness;
    const rec = await deviceWhen(h, 'ivy', (d) => d.status.availability === 'fault', 'fault');
    expect(rec.status.reason).toMatch(/association as client 17 rejected .*wrong password/);
    expect(JSON.stringify(h.logLines())).not.toContain('wrong"');
  });

  it('associates with a password as client 17, which most meters bind LLS to (issue 15)', async () => {
    server = new DlmsGetServer('LLS17', 'secret12', { llsClient: 17 });
    const port = await server.listen();
    harness = await startDriver({ dlms_meters: [{ id: 'lls17', mode: 'poll', host: '127.0.0.1', port, password: 'secret12' }] });
    const rec = await deviceWhen(harness, 'lls17', (d) => d.state.VOLTAGE_L1 !== undefined, 'poll');
    expect(rec.status.availability).toBe('online');
  });

  it('a rejection names the client address it was tried as', async () => {
    server = new DlmsGetServer('LLS17', 'secret12', { llsClient: 17 });
    const port = await server.listen();
    harness = await startDriver({
      dlms_meters: [{ id: 'lls16', mode: 'poll', host: '127.0.0.1', port, password: 'secret12', client_address: 16 }],
    });
    const rec = await deviceWhen(harness, 'lls16', (d) => d.status.availability === 'fault', 'fault');
    expect(rec.status.reason).toMatch(/association as client 16 rejected .*another client_address than 16/);
  });

  it('a meter that refuses every GET is a fault naming the access results, not online and empty', async () => {
    server = new DlmsGetServer('DENY', undefined, { refuseGets: 3 });
    const port = await server.listen();
    harness = await startDriver({ dlms_meters: [{ id: 'deny', mode: 'poll', host: '127.0.0.1', port, poll_interval: 1 }] });
    const rec = await deviceWhen(harness, 'deny', (d) => d.status.availability === 'fault', 'fault');
    expect(rec.status.reason).toMatch(/^the meter answers but refuses every read: \d+ × read-write-denied \(as client 16\)$/);
    expect(rec.state).toEqual({});
  });

  it('a meter that answers every GET with an exception-response is a fault naming it', async () => {
    server = new DlmsGetServer('EXC', undefined, { refuseGets: 'exception' });
    const port = await server.listen();
    harness = await startDriver({ dlms_meters: [{ id: 'exc', mode: 'poll', host: '127.0.0.1', port, poll_interval: 1 }] });
    const rec = await deviceWhen(harness, 'exc', (d) => d.status.availability === 'fault', 'fault');
    expect(rec.status.reason).toMatch(/refuses every read: \d+ × exception-response 1\/3 \(as client 16\)$/);
  });

  it('a meter that has none of the objects is a fault naming object-undefined, in later polls too', async () => {
    server = new DlmsGetServer('NONE', undefined, { refuseGets: 4 });
    const port = await server.listen();
    harness = await startDriver({ dlms_meters: [{ id: 'none', mode: 'poll', host: '127.0.0.1', port, poll_interval: 1 }] });
    const rec = await deviceWhen(harness, 'none', (d) => d.status.availability === 'fault', 'fault');
    expect(rec.status.reason).toMatch(/× object-undefined/);
    const requests = server.requests;
    await waitFor(() => server!.requests > requests + 2, { what: 'a later poll' });
    expect(harness.hub.get('none')?.status.availability).toBe('fault');
  });

  it('an unreachable meter is offline with the address', async () => {
    harness = await startDriver({ dlms_meters: [{ id: 'gone', mode: 'poll', host: '127.0.0.1', port: 1 }] });
    const h = harness;
    const rec = await deviceWhen(h, 'gone', (d) => d.status.availability === 'offline', 'offline');
    expect(rec.status.reason).toMatch(/cannot connect to 127\.0\.0\.1:1/);
  });
});
