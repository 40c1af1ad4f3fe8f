/** A meter re-scaled while it runs: its new powerOfTenMultiplier is learnt, and a re-scaled counter is no regression. */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { generateAndStore } from '../../../server/certs/store.ts';
import type { DeviceEvent } from '../../../server/core/hub.ts';
import type { Driver } from '../../../server/drivers/types.ts';
import { createItronDriver } from '../../../server/drivers/itron/driver.ts';
import { startItronSim, type ItronSim } from '../../../server/sim/itron/server.ts';
import { waitFor } from '../../support/ports.ts';
import { testContext } from './context.ts';

let sim: ItronSim;
let ctx: Awaited<ReturnType<typeof testContext>>;
let driver: Driver;
const events: DeviceEvent[] = [];

beforeEach(async () => {
  events.length = 0;
  sim = await startItronSim({ registered: [] });
  ctx = await testContext([{ host: '127.0.0.1', port: sim.port, poll_interval: 1, timeout: 2 }]);
  sim.register((await generateAndStore(ctx.dataDir)).lfdi);
  ctx.hub.on('event', (_rec, ev) => events.push(ev));
  driver = createItronDriver(ctx);
  await driver.start();
  await waitFor(() => typeof ctx.hub.get(sim.lfdi)?.state.energy_delivered === 'number', { what: 'first readings' });
});
afterEach(async () => {
  await driver?.stop();
  await sim?.stop();
  await ctx?.cleanup();
});

const state = () => ctx.hub.get(sim.lfdi)!.state;
const updatedAfter = (key: string, t: number) => (ctx.hub.get(sim.lfdi)?.updated[key] ?? 0) > t;

it('a counter served to a coarser scale is re-read, not refused as a regression', async () => {
  // Summation delivered (mr 3) goes from Wh to daWh.
  sim.setPowerOfTen(3, 1);
  const at = Date.now();
  await waitFor(() => updatedAfter('certificate_days_left', at) && updatedAfter('energy_delivered', at), {
    what: 'a poll after the re-scale that published the counter',
    timeoutMs: 20_000,
  });
  expect(events.filter((e) => e.event === 'counter_regression')).toEqual([]);
  expect(Math.abs((state().energy_delivered as number) - sim.state.deliveredWh / 1000)).toBeLessThan(0.05);
  expect(events.find((e) => e.event === 'scale_changed')).toMatchObject({ data: { register: 'energy_delivered', from: 0, to: 1 } });
});

it('demand served to a finer scale after the meter was away is not published ten times too high', async () => {
  sim.setHang(true);
  await waitFor(() => ctx.hub.get(sim.lfdi)?.status.availability === 'offline', { what: 'meter away', timeoutMs: 20_000 });
  // Instantaneous demand (mr 1) comes back in tenths of a watt.
  sim.setPowerOfTen(1, -1);
  sim.setHang(false);
  const at = Date.now();
  await waitFor(() => ctx.hub.get(sim.lfdi)?.status.availability === 'online' && updatedAfter('demand', at), {
    what: 'demand after the meter is back',
    timeoutMs: 20_000,
  });
  expect(Math.abs((state().demand as number) - Math.max(0, sim.state.netPowerW))).toBeLessThan(1500);
  expect(state().demand as number).toBeLessThan(5000);
});
