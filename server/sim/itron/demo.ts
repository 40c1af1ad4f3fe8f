/**
 * The Itron meter of `npm run demo`: the simulator on a loopback port, in demo mode it
 * accepts any client LFDI (so a certificate generated or imported in the UI keeps working).
 * The bridge's client certificate is created in the data directory if there is none yet.
 * For the chaos run the agent can hang or the utility can drop every client's registration.
 */
import { generateAndStore, loadClientCredentials } from '../../certs/store.ts';
import type { Options } from '../../options/schema.ts';
import { overlappingFault, type DemoSim, type SimTruth } from '../demoSim.ts';
import type { MeterState } from './meterModel.ts';
import { startItronSim } from './server.ts';

/**
 * The summation registers as the bridge publishes them: the meter serves whole Wh, VAh and
 * varh (powerOfTenMultiplier 0 in every ReadingType of the crawl); energy goes out in kWh.
 */
function counters(s: Readonly<MeterState>): Record<string, number> {
  const kwh = (wh: number) => Math.floor(wh) / 1000;
  const out: Record<string, number> = {
    energy_delivered: kwh(s.deliveredWh),
    energy_received: kwh(s.receivedWh),
    apparent_energy_delivered: Math.floor(s.vahDelivered),
    apparent_energy_received: Math.floor(s.vahReceived),
    reactive_energy_delivered: Math.floor(s.varhDelivered),
    reactive_energy_received: Math.floor(s.varhReceived),
  };
  s.touDeliveredWh?.forEach((wh, k) => {
    out[`energy_delivered_tou_${k + 1}`] = kwh(wh);
  });
  s.touReceivedWh?.forEach((wh, k) => {
    out[`energy_received_tou_${k + 1}`] = kwh(wh);
  });
  return out;
}

export async function startDemoSim(): Promise<DemoSim> {
  const dataDir = process.env.WATTWIRE_DATA_DIR ?? './data';
  if (!(await loadClientCredentials(dataDir))) await generateAndStore(dataDir);
  let frozenAt: number | undefined;
  const sim = await startItronSim({ host: '127.0.0.1', port: 0, registered: 'any', touTiers: true, now: () => frozenAt ?? Date.now() });
  const hang = overlappingFault(
    'itron: meter agent hangs',
    () => sim.setHang(true),
    () => sim.setHang(false),
  );
  const unregistered = overlappingFault(
    'itron: client LFDI no longer registered',
    () => sim.setRegistered([]),
    () => sim.setRegistered('any'),
  );
  const faults = [hang, unregistered];
  return {
    kind: 'itron',
    configure(options: Options) {
      options.itron_meters.push({ name: 'Itron meter (simulated)', host: '127.0.0.1', port: sim.port, poll_interval: 5 });
    },
    stop: () => sim.stop(),
    faults: () => faults,
    // Without a configured lfdi the bridge names the meter by the LFDI in its /sdev/sdi.
    truth: (): SimTruth[] => [
      { id: sim.lfdi, availability: hang.active || unregistered.active ? 'offline' : 'online', counters: counters(sim.state) },
    ],
    freeze() {
      frozenAt = Date.now();
    },
  };
}
