import { defineDriver } from '../definition.ts';
import { type KostalInverter, kostalInverter, kostalListedKey } from './options.ts';

export const kostalDefinition = defineDriver({
  kind: 'kostal',
  label: 'Kostal PIKO inverter',
  blurb: 'Read over the inverter’s web pages (classic PIKO) or its dxs.json API.',
  devices: { key: 'kostal', item: kostalInverter },
  listedKey: kostalListedKey,
  pollIntervals: (devices: KostalInverter[]) => devices.map((d) => d.poll_interval),
  load: async () => ({ createDriver: (await import('./driver.ts')).createKostalDriver }),
  onboarding: { discovery: ['host'] },
  simulator: { cli: () => import('../../sim/kostal/cli.ts'), demo: () => import('../../sim/kostal/demo.ts') },
});
