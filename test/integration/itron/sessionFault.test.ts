/**
 * A defect in an Itron meter's poll cycle faults the meter (instead of passing for an
 * unreachable one) and a fresh session brings it back after the boundary's backoff.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { generateAndStore } from '../../../server/certs/store.ts';
import { createItronDriver } from '../../../server/drivers/itron/driver.ts';
import { MeterSession } from '../../../server/drivers/itron/meterSession.ts';
import { startItronSim } from '../../../server/sim/itron/server.ts';
import { waitFor } from '../../support/ports.ts';
import { testContext } from './context.ts';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const c of cleanup.splice(0).reverse()) await c();
});

describe('Itron session boundary', () => {
  it('a defect in a poll faults the meter, which a fresh session brings back', async () => {
    const sim = await startItronSim({ registered: [] });
    cleanup.push(() => sim.stop());
    const ctx = await testContext([{ host: '127.0.0.1', port: sim.port, lfdi: sim.lfdi, poll_interval: 1, timeout: 2 }]);
    cleanup.push(() => ctx.cleanup());
    sim.register((await generateAndStore(ctx.dataDir)).lfdi);
    const seen: { availability: string; reason?: string }[] = [];
    ctx.hub.on('status', (rec) => seen.push({ availability: rec.status.availability, reason: rec.status.reason }));
    const driver = createItronDriver(ctx);
    cleanup.push(() => driver.stop());
    await driver.start();
    await waitFor(() => ctx.hub.get(sim.lfdi)?.status.availability === 'online', { what: 'online', timeoutMs: 15_000 });

    const collect = Reflect.get(MeterSession.prototype, 'collect') as (this: MeterSession, ...args: unknown[]) => Promise<unknown>;
    let thrown = 0;
    vi.spyOn(MeterSession.prototype as unknown as { collect: (...args: unknown[]) => Promise<unknown> }, 'collect').mockImplementation(
      function (this: MeterSession, ...args: unknown[]) {
        if (thrown === 0) {
          thrown++;
          return Promise.reject(new TypeError("Cannot read properties of undefined (reading 'value')"));
        }
        return collect.apply(this, args);
      },
    );
    await waitFor(() => seen.some((s) => s.availability === 'fault'), { what: 'fault', timeoutMs: 15_000 });
    expect(seen.find((s) => s.availability === 'fault')?.reason).toBe(
      "internal error: Cannot read properties of undefined (reading 'value')",
    );
    await waitFor(() => ctx.hub.get(sim.lfdi)?.status.availability === 'online', { what: 'back online', timeoutMs: 15_000 });
  }, 60_000);
});
