/**
 * `npm run bench [-- suite …]`: every benchmark, one JSON line per figure, all in one run on
 * this machine. Each driver's suite is `bench/<kind>.ts`, which may name suites of its own
 * (`export const suites`, e.g. the DL/T 645 fleet and scale-out in `bench/dlt645/`).
 */
import { DRIVER_DEFINITIONS } from '../server/drivers/registry.ts';

type Suite = () => Promise<{ bench(): Promise<Record<string, unknown>[]> }>;
type KindBench = Awaited<ReturnType<Suite>> & { suites?: Record<string, Suite> };

const kindSuites: [string, Suite][] = [];
for (const { kind } of DRIVER_DEFINITIONS) {
  const load = () => import(`./${kind}.ts`) as Promise<KindBench>;
  kindSuites.push([kind, load]);
  kindSuites.push(...Object.entries((await load()).suites ?? {}));
}

const SUITES: Record<string, Suite> = {
  core: () => import('./core.ts'),
  idle: () => import('./idle.ts'),
  ...Object.fromEntries(kindSuites),
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
