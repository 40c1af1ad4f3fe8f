/** The simulators `npm run demo`, the chaos run and the bench start: one per definition. */
import { DRIVER_DEFINITIONS } from '../drivers/registry.ts';
import type { Options } from '../options/schema.ts';
import type { DemoSim } from './demoSim.ts';
import { freePort } from './freePort.ts';

/** Every driver listener on a free port, so that a demo never collides with a real bridge on this machine. */
export async function listenOnFreePorts(options: Options): Promise<void> {
  for (const { settings } of DRIVER_DEFINITIONS) {
    const section = settings && (options as unknown as Record<string, Record<string, unknown> | undefined>)[settings.key];
    if (!section) continue;
    for (const key of settings.listenPorts ?? []) section[key] = await freePort();
  }
}

export interface DemoFleet {
  sims: DemoSim[];
  /** One line per simulator that did not start; the others run. */
  errors: string[];
}

/** Starts the simulators (all kinds, or `only` those) and adds their devices to `options`. */
export async function startDemoFleet(options: Options, only?: readonly string[]): Promise<DemoFleet> {
  await listenOnFreePorts(options);
  const sims: DemoSim[] = [];
  const errors: string[] = [];
  for (const { kind, simulator } of DRIVER_DEFINITIONS) {
    if (only && !only.includes(kind)) continue;
    try {
      const sim = await (await simulator.demo()).startDemoSim();
      sim.configure(options);
      sims.push(sim);
    } catch (err) {
      errors.push(`the ${kind} simulator did not start: ${(err as Error).message}`);
    }
  }
  return { sims, errors };
}
