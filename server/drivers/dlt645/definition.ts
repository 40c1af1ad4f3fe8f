import { defineDriver } from '../definition.ts';
import { dlt645ListedKey, type Dlt645Meter, dlt645Meter, type Dlt645Options, dlt645Options } from './options.ts';

export const dlt645Definition = defineDriver({
  kind: 'dlt645',
  label: 'DL/T 645 meter',
  blurb: 'Meters dialing in through a 4G/GPRS DTU are offered below once they call; RS-485 meters need their serial port.',
  devices: { key: 'dlt645_meters', item: dlt645Meter },
  settings: { key: 'dlt645', schema: dlt645Options, listenPorts: ['listen_port'] },
  listedKey: (m: Dlt645Meter) => dlt645ListedKey(m.address),
  listening: (settings: Dlt645Options) => settings.listen,
  pollIntervals: (_meters: Dlt645Meter[], settings: Dlt645Options) => [settings.poll_interval],
  load: async () => ({ createDriver: (await import('./driver.ts')).createDlt645Driver }),
  acceptsDialIn: true,
  onboarding: { discovery: ['pending', 'serial'] },
  simulator: { cli: () => import('../../sim/dlt645/cli.ts'), demo: () => import('../../sim/dlt645/demo.ts') },
});
