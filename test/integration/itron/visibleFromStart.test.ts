/** A configured Itron meter is listed from the start, before any answer, and then says why it is not. */
import { afterEach, expect, it } from 'vitest';
import { generateAndStore } from '../../../server/certs/store.ts';
import { createItronDriver } from '../../../server/drivers/itron/driver.ts';
import { freePort, waitFor } from '../../support/ports.ts';
import { testContext } from './context.ts';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

it('a meter at a host that refuses connections is listed as connecting at once, then with the reason', async () => {
  const ctx = await testContext([{ name: 'Garage meter', host: '127.0.0.2', port: await freePort(), timeout: 2 }]);
  cleanup.push(() => ctx.cleanup());
  await generateAndStore(ctx.dataDir);
  const seen: string[] = [];
  ctx.hub.on('status', (rec) => seen.push(rec.status.availability));
  const driver = createItronDriver(ctx);
  cleanup.push(() => driver.stop());
  await driver.start();

  expect(ctx.hub.list().map((d) => ({ id: d.info.id, name: d.info.name, availability: d.status.availability }))).toEqual([
    { id: 'itron-1', name: 'Garage meter', availability: 'connecting' },
  ]);
  const device = await waitFor(() => (ctx.hub.get('itron-1')?.status.reason ? ctx.hub.get('itron-1') : undefined), {
    timeoutMs: 20_000,
    what: 'the reason it is not connected',
  });
  expect(device.status.reason).toMatch(/refused/i);
  expect(seen[0]).toBe('connecting');
});
