import { defineDriver } from '../definition.ts';
import { dlmsListedKey, type DlmsMeter, dlmsMeter, type DlmsOptions, dlmsOptions } from './options.ts';

export const dlmsDefinition = defineDriver({
  kind: 'dlms',
  label: 'DLMS/COSEM meter',
  blurb: 'Push meters dialing in are offered below once they call; polled meters need a serial port or a host.',
  devices: { key: 'dlms_meters', item: dlmsMeter },
  settings: { key: 'dlms', schema: dlmsOptions, listenPorts: ['listen_port'] },
  listedKey: dlmsListedKey,
  listening: (settings: DlmsOptions) => settings.listen,
  pollIntervals: (meters: DlmsMeter[]) => meters.filter((m) => m.mode === 'poll').map((m) => m.poll_interval),
  load: async () => ({ createDriver: (await import('./driver.ts')).createDlmsDriver }),
  // IVY EM114070 meters speak DLMS on the DL/T 645 dial-in port.
  dialIn: async () => (await import('./ivyDialIn.ts')).ivyDialInClaim,
  onboarding: { discovery: ['pending', 'serial'] },
  simulator: { cli: () => import('../../sim/dlms/cli.ts'), demo: () => import('../../sim/dlms/demo.ts') },
});
