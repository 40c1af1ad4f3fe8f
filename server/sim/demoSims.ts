/** The simulators `npm run demo` starts, one per device kind. */
import type { DemoSim } from './demoSim.ts';

export const DEMO_SIMS: Record<string, () => Promise<{ startDemoSim(): Promise<DemoSim> }>> = {
  dlt645: () => import('./dlt645/demo.ts'),
  dlms: () => import('./dlms/demo.ts'),
  itron: () => import('./itron/demo.ts'),
  xtender: () => import('./xtender/demo.ts'),
  kostal: () => import('./kostal/demo.ts'),
  victron: () => import('./victron/demo.ts'),
};
