import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableViolations } from '../../../server/core/haRules.ts';
import { generateClientIdentity } from '../../../server/certs/generate.ts';
import { generateAndStore, importCredentials } from '../../../server/certs/store.ts';
import type { DeviceEvent } from '../../../server/core/hub.ts';
import { createItronDriver } from '../../../server/drivers/itron/driver.ts';
import { startItronSim, type ItronSim } from '../../../server/sim/itron/server.ts';
import { waitFor } from '../../support/ports.ts';
import { testContext } from './context.ts';

describe('driver against the Itron simulator (real TLS, CCM8, client certificate)', () => {
  let sim: ItronSim;
  let ctx: Awaited<ReturnType<typeof testContext>>;
  let clientLfdi: string;

  beforeAll(async () => {
    sim = await startItronSim({ registered: [] });
    ctx = await testContext([{ host: '127.0.0.1', port: sim.port, poll_interval: 1, timeout: 2 }]);
    clientLfdi = (await generateAndStore(ctx.dataDir)).lfdi;
    sim.register(clientLfdi);
  });
  afterAll(async () => {
    await sim?.stop();
    await ctx?.cleanup();
  });

  it('learns the 22-reading tree, publishes scaled values under the meter LFDI, on one connection', async () => {
    const driver = createItronDriver(ctx);
    await driver.start();
    try {
      const rec = await waitFor(
        () => {
          const r = ctx.hub.get(sim.lfdi);
          return r && r.status.availability === 'online' && typeof r.state.energy_delivered === 'number' ? r : undefined;
        },
        { what: 'meter online' },
      );
      expect(rec.info).toMatchObject({ kind: 'itron', swVersion: '3.2.50' });
      expect(rec.diagnostics).toMatchObject({ layout: 'resource tree' });
      expect(tableViolations(rec.registers)).toEqual([]);
      expect(rec.registers.map((r) => r.key)).toEqual(
        expect.arrayContaining([
          'demand',
          'energy_received',
          'energy_delivered',
          'reactive_energy_delivered',
          'apparent_energy_received',
          'max_demand_delivered',
          'power_factor',
          'power_factor_a',
          'certificate_days_left',
        ]),
      );
      expect(rec.state.energy_delivered).toBeGreaterThanOrEqual(5839.187);
      expect(rec.state.power_factor_a).toBeNull();
      expect(rec.state.max_demand_received).toBeNull();
      expect(rec.state.certificate_days_left).toBeGreaterThan(1000);
      const polls = sim.stats.requests;
      await waitFor(() => sim.stats.requests > polls + 30, { what: 'more polls' });
      expect(sim.stats.sessions).toBe(1);
      expect(driver.diagnostics?.()).toMatchObject({ meters: [{ handshakes: 1, failures: 0 }] });
      const [read] = await ctx.hub.read(sim.lfdi, ['energy_delivered']);
      expect(read!.value).toBeGreaterThanOrEqual(rec.state.energy_delivered as number);
    } finally {
      await driver.stop();
    }
  });

  it('testConnection reads /sdev/sdi and names the meter', async () => {
    const driver = createItronDriver(ctx);
    const res = await driver.testConnection!({ host: '127.0.0.1', port: sim.port });
    expect(res).toMatchObject({ ok: true, details: { lfdi: sim.lfdi, swVer: '3.2.50', clientLfdi } });
    expect(await driver.testConnection!({ host: '127.0.0.1', port: 'x' })).toMatchObject({
      ok: false,
      message: expect.stringContaining('port'),
    });
  });

  it('warns 30 days before the client certificate expires: an event and a diagnostic entity', async () => {
    const short = await generateClientIdentity({ validityDays: 20 });
    const ctx2 = await testContext([{ host: '127.0.0.1', port: sim.port, poll_interval: 1, timeout: 2 }]);
    const summary = await importCredentials(ctx2.dataDir, short.certPem, short.keyPem);
    sim.register(summary.lfdi);
    const events: DeviceEvent[] = [];
    let polls = 0;
    ctx2.hub.on('event', (_rec, ev) => events.push(ev));
    ctx2.hub.on('readings', (_rec, readings) => {
      if (readings.some((r) => r.register.key === 'certificate_days_left')) polls++;
    });
    const driver = createItronDriver(ctx2);
    await driver.start();
    try {
      await waitFor(() => events.some((e) => e.event === 'certificate_expiring'), { what: 'expiry event' });
      const ev = events.find((e) => e.event === 'certificate_expiring')!;
      expect(ev).toMatchObject({ type: 'warning', data: { daysLeft: 19, lfdi: summary.lfdi } });
      const rec = ctx2.hub.get(sim.lfdi)!;
      expect(rec.state.certificate_days_left).toBe(19);
      expect(rec.registers.find((r) => r.key === 'certificate_days_left')).toMatchObject({ entityCategory: 'diagnostic', unit: 'd' });
      await waitFor(() => polls >= 3, { what: 'three polls' });
      expect(events.filter((e) => e.event === 'certificate_expiring')).toHaveLength(1);
    } finally {
      await driver.stop();
      await ctx2.cleanup();
    }
  });
});
