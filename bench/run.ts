/** `npm run bench`: every benchmark, one JSON line per figure, all in one run on this machine. */
const SUITES: Record<string, () => Promise<{ bench(): Promise<Record<string, unknown>[]> }>> = {
  core: () => import('./core.ts'),
  idle: () => import('./idle.ts'),
  fleet: () => import('./fleet.ts'),
  scaleout: () => import('./scaleout.ts'),
  dlt645: () => import('./dlt645.ts'),
  dlms: () => import('./dlms.ts'),
  xtender: () => import('./xtender.ts'),
  victron: () => import('./victron.ts'),
  itron: () => import('./itron.ts'),
  kostal: () => import('./kostal.ts'),
  hostile: () => import('./hostile.ts'),
  ui: () => import('./ui.ts'),
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
