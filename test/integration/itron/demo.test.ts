import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Hub } from '../../../server/core/hub.ts';
import { tableViolations } from '../../../server/core/haRules.ts';
import { createLogger } from '../../../server/core/logger.ts';
import { loadClientCredentials } from '../../../server/certs/store.ts';
import { createItronDriver } from '../../../server/drivers/itron/driver.ts';
import { optionsSchema } from '../../../server/options/schema.ts';
import { startDemoSim } from '../../../server/sim/itron/demo.ts';
import { waitFor } from '../../support/ports.ts';

describe('demo: simulator + bridge certificate in the data directory', () => {
  let dataDir: string;
  const saved = process.env.WATTWIRE_DATA_DIR;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'wattwire-itron-demo-'));
    process.env.WATTWIRE_DATA_DIR = dataDir;
  });
  afterAll(async () => {
    if (saved === undefined) delete process.env.WATTWIRE_DATA_DIR;
    else process.env.WATTWIRE_DATA_DIR = saved;
    await rm(dataDir, { recursive: true, force: true });
  });

  it('creates the client certificate, adds the meter to the options, and the driver reads it', async () => {
    const demo = await startDemoSim();
    const options = optionsSchema.parse({});
    demo.configure(options);
    expect(options.itron_meters).toHaveLength(1);
    const creds = await loadClientCredentials(dataDir);
    expect(creds?.lfdi).toMatch(/^[0-9A-F]{40}$/);
    const hub = new Hub();
    const driver = createItronDriver({
      hub,
      log: createLogger('silent'),
      options,
      dataDir,
      reportConfigError: (w, m) => {
        throw new Error(`${w}: ${m}`);
      },
    });
    await driver.start();
    try {
      const rec = await waitFor(
        () => hub.list().find((d) => d.status.availability === 'online' && typeof d.state.energy_delivered_tou_2 === 'number'),
        { what: 'demo meter online with TOU tiers' },
      );
      expect(rec.info.kind).toBe('itron');
      // Tiers that carry a value become their own entities; the empty tiers 3–8 do not.
      expect(
        rec.registers
          .map((r) => r.key)
          .filter((k) => k.includes('_tou_'))
          .sort(),
      ).toEqual(['energy_delivered_tou_1', 'energy_delivered_tou_2', 'energy_received_tou_1', 'energy_received_tou_2']);
      expect(tableViolations(rec.registers)).toEqual([]);
      const tiers = (rec.state.energy_delivered_tou_1 as number) + (rec.state.energy_delivered_tou_2 as number);
      expect(Math.abs(tiers - (rec.state.energy_delivered as number))).toBeLessThan(0.01);
    } finally {
      await driver.stop();
      await demo.stop();
    }
    const second = await startDemoSim();
    await second.stop();
    expect((await loadClientCredentials(dataDir))?.lfdi).toBe(creds?.lfdi);
  });
});
