/**
 * The Itron meter of `npm run demo`: the simulator on a loopback port, in demo mode it
 * accepts any client LFDI (so a certificate generated or imported in the UI keeps working).
 * The bridge's client certificate is created in the data directory if there is none yet.
 */
import { generateAndStore, loadClientCredentials } from '../../certs/store.ts';
import type { Options } from '../../options/schema.ts';
import type { DemoSim } from '../demoSim.ts';
import { startItronSim } from './server.ts';

export async function startDemoSim(): Promise<DemoSim> {
  const dataDir = process.env.WATTWIRE_DATA_DIR ?? './data';
  if (!(await loadClientCredentials(dataDir))) await generateAndStore(dataDir);
  const sim = await startItronSim({ host: '127.0.0.1', port: 0, registered: 'any', touTiers: true });
  return {
    kind: 'itron',
    configure(options: Options) {
      options.itron_meters.push({ name: 'Itron meter (simulated)', host: '127.0.0.1', port: sim.port, poll_interval: 5 });
    },
    stop: () => sim.stop(),
  };
}
