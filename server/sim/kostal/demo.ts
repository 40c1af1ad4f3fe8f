/** The Kostal simulator for `npm run demo`: a PIKO 8.3 living a day in 20 minutes. */
import type { DemoSim } from '../demoSim.ts';
import { KostalSim } from './simulator.ts';

export async function startDemoSim(): Promise<DemoSim> {
  const sim = new KostalSim({ layout: '8.3-en', night: 'refused', clock: { daySeconds: 1200, startHour: 9 } });
  await sim.start();
  return {
    kind: 'kostal',
    configure(options) {
      options.kostal.push({ name: 'PIKO 8.3 (simulated)', host: sim.hostPort, username: 'pvserver', password: 'pvwr', poll_interval: 5 });
    },
    stop: () => sim.stop(),
  };
}
