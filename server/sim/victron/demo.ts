import type { DemoSim } from '../demoSim.ts';
import { GxSimulator } from './gx.ts';

/** A flashmq GX on a free loopback port, added to the options with writes allowed. */
export async function startDemoSim(): Promise<DemoSim> {
  const sim = await GxSimulator.start({ generation: 'flashmq' });
  return {
    kind: 'victron',
    configure(options) {
      options.victron.push({ name: 'Victron GX (simulated)', host: '127.0.0.1', port: sim.port, allow_writes: true });
    },
    stop: () => sim.stop(),
  };
}
