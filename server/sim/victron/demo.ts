/**
 * A flashmq GX on a free loopback port for `npm run demo`, added to the options with writes
 * allowed. For the chaos run the GX can reboot, lose the bridge's keep-alives (so it stops
 * publishing until a keep-alive gets through again) and see its MPPT leave the D-Bus.
 */
import { overlappingFault, type DemoSim, type SimTruth } from '../demoSim.ts';
import { GxSimulator } from './gx.ts';

/** The service instances of the capture, each a device of its own in the bridge. */
const SERVICES = ['vebus/276', 'battery/512', 'solarcharger/279', 'grid/30'];
/** The service that leaves the D-Bus, as an MPPT does at dusk. */
const LEAVING = 'solarcharger/279';
/** The energy counters the bridge publishes (total_increasing), by register key and GX path. */
const COUNTERS: Record<string, Record<string, string>> = {
  'solarcharger/279': { solarcharger_yield_user: 'Yield/User' },
  'grid/30': { grid_energy_import: 'Ac/Energy/Forward', grid_energy_export: 'Ac/Energy/Reverse' },
};

/** `portalId` (12 hex digits) tells several GXs apart; by default the capture's. */
export async function startDemoSim(portalId?: string): Promise<DemoSim> {
  // 10 Wh a second: visible in a demo, and each step is larger than float32 resolution near 5000 kWh.
  const sim = await GxSimulator.start({ generation: 'flashmq', counterGrowthKwh: 0.01, portalId });
  // Without an `id` option the bridge names the GX after its portal id, each service after the GX.
  const gxId = `victron_${sim.portalId}`;
  const reboot = overlappingFault(
    'victron: GX reboots',
    () => sim.powerOff(),
    () => sim.powerOn(),
  );
  // The keep-alive times out now and none gets through until recovery; then the bridge has to renew it.
  const lapse = overlappingFault(
    'victron: keep-alive lapses',
    () => sim.loseKeepalives(Number.POSITIVE_INFINITY),
    () => sim.hearKeepalives(),
  );
  const leave = overlappingFault(
    'victron: device leaves',
    () => sim.removeService(LEAVING),
    () => sim.restoreService(LEAVING),
  );
  const faults = [reboot, lapse, leave];

  function truth(): SimTruth[] {
    const gxUp = !reboot.active && !lapse.active;
    const gx: SimTruth = { id: gxId, availability: gxUp ? 'online' : 'offline', counters: {} };
    return [
      gx,
      ...SERVICES.map((service): SimTruth => {
        const counters: Record<string, number> = {};
        const onBus = !(service === LEAVING && leave.active);
        for (const [key, path] of Object.entries(COUNTERS[service] ?? {})) {
          const value = sim.value(`${service}/${path}`);
          if (typeof value === 'number') counters[key] = value;
        }
        return { id: `${gxId}_${service.replace('/', '_')}`, availability: gxUp && onBus ? 'online' : 'offline', counters };
      }),
    ];
  }

  return {
    kind: 'victron',
    configure(options) {
      options.victron.push({ name: 'Victron GX (simulated)', host: '127.0.0.1', port: sim.port, allow_writes: true });
    },
    stop: async () => {
      await reboot.idle;
      await sim.stop();
    },
    faults: () => faults,
    truth,
    freeze: () => sim.freezeCounters(),
  };
}
