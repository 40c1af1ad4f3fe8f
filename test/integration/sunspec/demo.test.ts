/**
 * The simulator as the definition offers it: `wattwire sim sunspec --help` names its flags,
 * and the demo simulator's devices, added to the options by `configure`, are read by the
 * driver under the ids and with the counters its `truth()` reports.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Hub } from '../../../server/core/hub.ts';
import { createLogger } from '../../../server/core/logger.ts';
import { sunspecDefinition } from '../../../server/drivers/sunspec/definition.ts';
import type { Driver } from '../../../server/drivers/types.ts';
import { optionsSchema } from '../../../server/options/schema.ts';
import type { DemoSim } from '../../../server/sim/demoSim.ts';
import { waitFor } from '../../support/ports.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('SunSpec simulator through the definition', () => {
  it('--help lists every flag, faults included', async () => {
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: unknown) => void lines.push(String(line)));
    await (await sunspecDefinition.simulator.cli()).runSimCli(['--help']);
    const help = lines.join('\n');
    for (const flag of [
      'port',
      'host',
      'base',
      'inverter-unit',
      'meter-unit',
      'serial',
      'hour',
      'day-seconds',
      'start-hour',
      'per-model',
      'fault',
    ]) {
      expect(help).toContain(`--${flag}`);
    }
    expect(help).toMatch(/timeout, exception, wrong-marker/);
  });

  it('the demo devices come online under the ids and with the counters the simulator reports', async () => {
    const sim: DemoSim = await (await sunspecDefinition.simulator.demo()).startDemoSim();
    cleanups.push(() => sim.stop());
    const options = optionsSchema.parse({});
    sim.configure(options);
    const hub = new Hub();
    const { createDriver } = await sunspecDefinition.load();
    const driver: Driver = createDriver({
      hub,
      log: createLogger('error'),
      options,
      dataDir: '/tmp',
      reportConfigError: (where, message) => {
        throw new Error(`${where}: ${message}`);
      },
    });
    await driver.start();
    cleanups.push(() => driver.stop());
    sim.freeze?.();
    const truth = sim.truth?.() ?? [];
    expect(truth).toHaveLength(2);
    for (const device of truth) {
      await waitFor(
        () => {
          const rec = hub.get(device.id);
          return rec?.status.availability === device.availability && Object.entries(device.counters).every(([k, v]) => rec.state[k] === v);
        },
        { timeoutMs: 30_000, what: `${device.id} ${device.availability} with ${JSON.stringify(device.counters)}` },
      );
    }
  });
});
