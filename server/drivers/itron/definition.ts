import { defineDriver, type FoundDevice } from '../definition.ts';
import { type ItronMeter, itronListedKey, itronMeter } from './options.ts';

export const itronDefinition = defineDriver({
  kind: 'itron',
  label: 'Itron smart meter (Xcel Energy Launchpad)',
  blurb: 'IEEE 2030.5 over HTTPS with this bridge’s certificate; register its LFDI with the utility first.',
  devices: { key: 'itron_meters', item: itronMeter },
  listedKey: itronListedKey,
  pollIntervals: (meters: ItronMeter[]) => meters.map((m) => m.poll_interval),
  load: async () => ({ createDriver: (await import('./driver.ts')).createItronDriver }),
  onboarding: {
    discovery: ['mdns'],
    async scan(milliseconds: number): Promise<FoundDevice[]> {
      const { browseSmartEnergy } = await import('./discovery.ts');
      return (await browseSmartEnergy(milliseconds)).map((s) => ({
        kind: 'itron',
        label: s.name,
        host: s.host,
        port: s.port,
        config: { host: s.host, port: s.port, ...(s.lfdi ? { lfdi: s.lfdi } : {}) },
      }));
    },
  },
  simulator: { cli: () => import('../../sim/itron/cli.ts'), demo: () => import('../../sim/itron/demo.ts') },
});
