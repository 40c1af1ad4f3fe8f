/**
 * Three meters for `npm run demo`: they dial in to the bridge's DL/T 645 listener once the
 * options name its port, and keep retrying until the bridge listens. For the chaos run one
 * meter can go off the network and another can send corrupt frames.
 */
import { overlappingFault, type DemoSim, type SimTruth } from '../demoSim.ts';
import type { Options } from '../../options/schema.ts';
import type { Household } from './household.ts';
import { startDlt645Sim, type Dlt645Sim } from './tcpSim.ts';

const DEMO_HEARTBEAT = 'HEARTBEAT';
/** Live values in the demo, and a poll soon enough after the chaos run's freeze to publish the frozen counters. */
const DEMO_POLL_SECONDS = 10;

/**
 * The energy counters the bridge polls, by its register key (IVY's names: `totalReactiveEnergy`
 * is export energy, 00020000). The meter sends them as BCD with 0.01 kWh resolution, rounded.
 */
const COUNTERS: Record<string, (h: Household) => number> = {
  totalActiveEnergy: (h) => h.importKwh,
  totalActiveEnergyForward: (h) => h.tariffKwh[0],
  totalActiveEnergyReverse: (h) => h.tariffKwh[1],
  totalReactiveEnergy: (h) => h.exportKwh,
};

export async function startDemoSim(meters = 3): Promise<DemoSim> {
  let sim: Dlt645Sim | undefined;
  // Each fault has its own meter (the first takes the first fault): the bridge asks a new
  // connection its address only a few times, so a meter redialing while its frames are
  // corrupt would stay unnamed until it dials in again. The first meter is silent and
  // registers with its IMEI, so each redial has to be recognised the hard way.
  const victim = (k: number) => sim?.meters[k]?.address;
  const fault = (name: string, k: number, set: (s: Dlt645Sim, address: string, on: boolean) => void) => {
    const turn = (on: boolean) => () => {
      const address = victim(k);
      if (sim && address) set(sim, address, on);
    };
    return overlappingFault(name, turn(true), turn(false));
  };
  // As many faults as there are meters to take them.
  const faults = [
    fault('dlt645: meter drops off the network', 0, (s, address, on) => (on ? s.leave(address) : s.rejoin(address))),
    fault('dlt645: meter sends garbage', 1, (s, address, on) => s.garble(address, on)),
  ].slice(0, meters);
  // A meter whose every frame is corrupt answers no request: the bridge takes it for gone.
  const offline = (address: string) => faults.some((f, k) => f.active && victim(k) === address);

  function truth(): SimTruth[] {
    const s = sim;
    if (!s) return [];
    return s.meters.map(({ address }) => {
      const household = s.meter(address).household;
      const counters = Object.fromEntries(Object.entries(COUNTERS).map(([key, value]) => [key, Math.round(value(household) * 100) / 100]));
      // A dialed-in meter is named by its 12-digit address.
      return { id: address, availability: offline(address) ? 'offline' : 'online', counters };
    });
  }

  return {
    kind: 'dlt645',
    configure(options: Options): void {
      options.dlt645.listen = true;
      options.dlt645.heartbeat = DEMO_HEARTBEAT;
      options.dlt645.poll_interval = DEMO_POLL_SECONDS;
      void sim?.stop();
      sim = startDlt645Sim({
        port: options.dlt645.listen_port,
        meters,
        firstAddress: 230001,
        silentShare: 0.34,
        registrationShare: 0.34,
        threePhaseShare: 0.67,
        heartbeat: DEMO_HEARTBEAT,
        heartbeatMs: 20_000,
        reconnectMs: 1000,
        seed: 7,
      });
    },
    async stop(): Promise<void> {
      await sim?.stop();
    },
    faults: () => faults,
    truth,
    freeze() {
      sim?.freeze();
    },
    bridgeListeners: (options) => [options.dlt645.listen_port],
  };
}
