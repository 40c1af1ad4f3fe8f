import { defineDriver } from '../definition.ts';
import { victronListedKey, victronSystem } from './options.ts';

export const victronDefinition = defineDriver({
  kind: 'victron',
  label: 'Victron GX (Venus OS)',
  blurb: 'The GX device’s MQTT broker on the LAN, or the VRM cloud broker.',
  devices: { key: 'victron', item: victronSystem },
  listedKey: victronListedKey,
  // A GX pushes its values; nothing is polled.
  pollIntervals: () => [],
  load: async () => ({ createDriver: (await import('./driver.ts')).createVictronDriver }),
  onboarding: { discovery: ['host'] },
  simulator: { cli: () => import('../../sim/victron/cli.ts'), demo: () => import('../../sim/victron/demo.ts') },
});
