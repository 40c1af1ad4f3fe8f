import { defineDriver } from '../definition.ts';
import { type SunSpecDevice, sunspecDevice, sunspecListedKey } from './options.ts';

export const sunspecDefinition = defineDriver({
  kind: 'sunspec',
  label: 'SunSpec inverter, meter or battery (Modbus TCP)',
  blurb: 'Kostal PLENTICORE and PIKO IQ, SMA, Fronius, SolarEdge and most others: read over Modbus TCP by their SunSpec models.',
  devices: { key: 'sunspec', item: sunspecDevice },
  listedKey: sunspecListedKey,
  pollIntervals: (devices: SunSpecDevice[]) => devices.map((d) => d.poll_interval),
  load: async () => ({ createDriver: (await import('./driver.ts')).createSunSpecDriver }),
  onboarding: {
    discovery: ['host'],
    presets: [{ label: 'Kostal PLENTICORE / PIKO IQ', config: { port: 1502, unit_id: 71 } }],
  },
  simulator: { cli: () => import('../../sim/sunspec/cli.ts'), demo: () => import('../../sim/sunspec/demo.ts') },
});
