/** The SunSpec simulator for `npm run demo`: a PLENTICORE-like inverter and its meter living a day in 20 minutes. */
import { overlappingFault, type DemoSim, type SimTruth } from '../demoSim.ts';
import { freePort } from '../freePort.ts';
import { SunSpecSim, SIM_FAULTS, type SimFault } from './simulator.ts';

/** Each demo simulator has serial numbers of its own, so that several are several devices. */
let started = 0;

export async function startDemoSim(): Promise<DemoSim> {
  const serial = `90554KPL${String(10_042 + started++).padStart(5, '0')}`;
  const sim = new SunSpecSim({ port: await freePort(), serial, clock: { daySeconds: 1200, startHour: 9 } });
  await sim.start();
  const [inverter, meter] = sim.devices;
  const entries = [inverter, meter].map((d, i) => ({
    name: i === 0 ? 'PLENTICORE plus (simulated)' : 'KSEM meter (simulated)',
    host: sim.host,
    port: sim.port,
    unit_id: d.unitId,
    poll_interval: 5,
  }));
  const hooks = SIM_FAULTS.map((fault) =>
    overlappingFault(
      `sunspec: ${fault}`,
      () => sim.setFault(fault),
      () => sim.setFault(activeFault()),
    ),
  );
  const activeFault = (): SimFault | null => SIM_FAULTS.find((_, i) => hooks[i]?.active) ?? null;

  function truth(): SimTruth[] {
    const energy = (d: typeof inverter, path: string) => {
      const v = d.models.flatMap((m) => Object.entries(m.block.values)).find(([k]) => k === path)?.[1];
      return typeof v === 'number' ? v / 1000 : 0;
    };
    const failing = activeFault() !== null;
    return [
      {
        id: `sunspec_kostal_${serial}`,
        availability: failing ? 'offline' : sim.phase === 'unpowered' || sim.phase === 'off' ? 'asleep' : 'online',
        counters: { inverter_wh: energy(inverter, 'WH') },
      },
      {
        id: `sunspec_kostal_KSEM${serial.slice(-6)}`,
        availability: failing ? 'offline' : 'online',
        counters: { meter_totwhimp: energy(meter, 'TotWhImp'), meter_totwhexp: energy(meter, 'TotWhExp') },
      },
    ];
  }

  return {
    kind: 'sunspec',
    configure(options) {
      const all = options as Record<string, unknown>;
      const list = Array.isArray(all.sunspec) ? all.sunspec : [];
      all.sunspec = [...list, ...entries];
    },
    stop: () => sim.stop(),
    faults: () => hooks,
    truth,
    freeze: () => sim.freeze(),
  };
}
