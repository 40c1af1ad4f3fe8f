/** A configured DLMS meter without an id is listed from the start, and gives way to its own id once it names itself. */
import { afterEach, expect, it } from 'vitest';
import { DlmsGetServer } from '../../../server/sim/dlms/getServer.ts';
import { freePort, waitFor } from '../../support/ports.ts';
import { deviceWhen, startDriver, type Harness } from './harness.ts';

let harness: Harness | undefined;
let server: DlmsGetServer | undefined;
afterEach(async () => {
  await harness?.driver.stop();
  await server?.stop();
  harness = undefined;
  server = undefined;
});

it('a polled meter at a refusing host is listed as connecting at once, then with the reason', async () => {
  const port = await freePort();
  harness = await startDriver({ dlms_meters: [{ name: 'Cellar meter', mode: 'poll', host: '127.0.0.2', port, poll_interval: 1 }] });
  const id = `dlms_127_0_0_2_${port}`;
  expect(harness.hub.list().map((d) => [d.info.id, d.info.name, d.status.availability])).toEqual([[id, 'Cellar meter', 'connecting']]);
  const rec = await deviceWhen(harness, id, (d) => d.status.availability !== 'connecting', 'its reason');
  expect(rec.status.reason).toMatch(/refused/i);
});

it('the provisional entry gives way to the logical device name once the meter answers', async () => {
  server = new DlmsGetServer('YTL102000000000000', 'secret12');
  const port = await server.listen();
  harness = await startDriver({ dlms_meters: [{ mode: 'poll', host: '127.0.0.1', port, password: 'secret12', poll_interval: 1 }] });
  const h = harness;
  expect(h.hub.list().map((d) => d.info.id)).toEqual([`dlms_127_0_0_1_${port}`]);
  await deviceWhen(h, 'YTL102000000000000', (d) => d.state.VOLTAGE_L1 !== undefined, 'poll');
  await waitFor(() => h.hub.list().length === 1, { what: 'the provisional entry removed' });
  expect(h.hub.list().map((d) => d.info.id)).toEqual(['YTL102000000000000']);
});
