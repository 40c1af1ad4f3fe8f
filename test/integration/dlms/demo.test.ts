/** `npm run demo`'s DLMS part: the simulator's configure() yields a bridge config that receives its encrypted pushes. */
import { afterEach, expect, it } from 'vitest';
import type { DemoSim } from '../../../server/sim/demoSim.ts';
import { startDemoSim } from '../../../server/sim/dlms/demo.ts';
import { optionsSchema } from '../../../server/options/schema.ts';
import { waitFor } from '../../support/ports.ts';
import { startDriver, type Harness } from './harness.ts';

let demo: DemoSim | undefined;
let harness: Harness | undefined;
afterEach(async () => {
  await harness?.driver.stop();
  await demo?.stop();
});

it('the demo meter pushes authenticated, encrypted telegrams to the listener it configures', async () => {
  demo = await startDemoSim();
  const options = optionsSchema.parse({});
  demo.configure(options);
  expect(options.dlms.listen).toBe(true);
  harness = await startDriver(options as unknown as Record<string, unknown>);
  const h = harness;
  const rec = await waitFor(() => h.hub.list().find((d) => d.info.kind === 'dlms' && d.state.ACTIVE_POWER_IMPORT !== undefined), {
    what: 'demo readings',
    timeoutMs: 15_000,
  });
  expect(rec.info.id).toBe('4B464D1010000023');
  expect(rec.status.availability).toBe('online');
  expect(h.configErrors).toEqual([]);
});
