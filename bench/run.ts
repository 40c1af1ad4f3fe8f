/**
 * `npm run bench [-- suite …]`: every benchmark, one JSON line per figure, all in one run on
 * this machine. Each driver's suite is `bench/<kind>.ts`.
 */
import { DRIVER_DEFINITIONS } from '../server/drivers/registry.ts';

type Suite = () => Promise<{ bench(): Promise<Record<string, unknown>[]> }>;

const SUITES: Record<string, Suite> = {
  core: () => import('./core.ts'),
  idle: () => import('./idle.ts'),
  fleet: () => import('./fleet.ts'),
  scaleout: () => import('./scaleout.ts'),
  ...Object.fromEntries(DRIVER_DEFINITIONS.map((d): [string, Suite] => [d.kind, () => import(`./${d.kind}.ts`)])),
  hostile: () => import('./hostile.ts'),
  ui: () => import('./ui.ts'),
  web: () => import('./web.ts'),
  hostile_listeners: () => import('./hostileListeners.ts'),
};

const only = process.argv.slice(2);
for (const [name, load] of Object.entries(SUITES)) {
  if (only.length > 0 && !only.includes(name)) continue;
  try {
    for (const figure of await (await load()).bench()) console.log(JSON.stringify({ suite: name, ...figure }));
  } catch (err) {
    console.log(JSON.stringify({ suite: name, error: (err as Error).message }));
    process.exitCode = 1;
  }
}
process.exit();
