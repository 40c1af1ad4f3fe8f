import { defineDriver } from '../definition.ts';
import { type XtenderLink, xtenderLink, xtenderListedKey } from './options.ts';

export const xtenderDefinition = defineDriver({
  kind: 'xtender',
  label: 'Studer Xtender / VarioTrack / BSP',
  blurb: 'Through an Xcom-232i on a serial port.',
  devices: { key: 'xtender', item: xtenderLink },
  listedKey: xtenderListedKey,
  pollIntervals: (links: XtenderLink[]) => links.flatMap((l) => [l.poll_interval, l.fast_poll_interval]),
  load: async () => ({ createDriver: (await import('./driver.ts')).createXtenderDriver }),
  onboarding: { discovery: ['serial'] },
  simulator: { cli: () => import('../../sim/xtender/cli.ts'), demo: () => import('../../sim/xtender/demo.ts') },
});
