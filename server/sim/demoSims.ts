/** The simulators `npm run demo` starts, one per device kind. */
import type { DemoSim } from './demoSim.ts';

export const DEMO_SIMS: Record<string, () => Promise<{ startDemoSim(): Promise<DemoSim> }>> = {};
