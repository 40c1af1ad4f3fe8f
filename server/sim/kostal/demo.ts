/** The Kostal simulator for `npm run demo`: a PIKO 8.3 living a day in 20 minutes, with faults for the chaos run. */
import { overlappingFault, type DemoSim, type SimFault as DemoFault, type SimTruth } from '../demoSim.ts';
import { shownEnergy } from './classicPages.ts';
import { KostalSim, type SimFault } from './simulator.ts';

/** Page faults the chaos run may inject, by name. */
const PAGE_FAULTS: Record<string, SimFault> = { 'kostal: HTTP 500': '500', 'kostal: truncated page': 'truncated', 'kostal: slow': 'slow' };
/** Dusk (`x x x` pages) and the dead of night (web server gone). */
const DUSK_HOUR = 21;
const NIGHT_HOUR = 23;

/**
 * Each demo inverter has a serial number of its own (the chaos run starts several), apart
 * from the standalone simulator's default, so that one started beside the demo is another inverter.
 */
let started = 0;

export async function startDemoSim(): Promise<DemoSim> {
  const serial = `90553KSE${String(50_123 + started++).padStart(5, '0')}`;
  const sim = new KostalSim({ layout: '8.3-en', night: 'refused', serial, clock: { daySeconds: 1200, startHour: 9 } });
  await sim.start();
  // The bridge names the inverter after the serial number on its settings page.
  const id = `kostal_${sim.serial}`;
  const entry = { name: 'PIKO 8.3 (simulated)', host: sim.hostPort, username: 'pvserver', password: 'pvwr', poll_interval: 5 };
  let night: { dayHour: number; falls: NodeJS.Timeout } | undefined;
  let frozen = false;

  const pageFaults = Object.entries(PAGE_FAULTS).map(([name, fault]) => ({
    fault,
    hook: overlappingFault(
      name,
      () => apply(),
      () => apply(),
    ),
  }));
  const pageFault = (): SimFault | null => pageFaults.find((p) => p.hook.active)?.fault ?? null;
  const apply = () => sim.setFault(pageFault());

  // Like a real dusk: `x x x` pages for a few polls, then the web server goes away.
  // The clock is set without ticking the counters, so a night the bridge never saw resets nothing.
  const sleeps = overlappingFault(
    'kostal: inverter sleeps',
    async () => {
      const dayHour = sim.clock.hour();
      sim.clock.setHour(DUSK_HOUR);
      const falls = setTimeout(() => {
        sim.clock.setHour(NIGHT_HOUR);
        void apply();
      }, entry.poll_interval * 2000);
      falls.unref();
      night = { dayHour, falls };
      await apply();
    },
    async () => {
      if (!night) return;
      clearTimeout(night.falls);
      sim.clock.setHour(night.dayHour);
      if (!frozen) sim.clock.resume();
      night = undefined;
      await apply();
    },
  );
  const faults: DemoFault[] = [...pageFaults.map((p) => p.hook), sleeps];

  function truth(): SimTruth[] {
    const phase = sim.phase;
    const fault = pageFault();
    const dark = phase === 'off' || phase === 'unpowered';
    // A slow page at dusk reads as the web server gone, which is sleep; a wrong page is a fault any time it answers.
    const failing = phase !== 'unpowered' && (fault === '500' || fault === 'truncated' || (fault === 'slow' && !dark));
    const shown = shownEnergy(sim.energy.totalKwh, sim.energy.dailyKwh);
    return [
      {
        id,
        availability: failing ? 'offline' : dark ? 'asleep' : 'online',
        counters: { energy_total: Number(shown.total), energy_today: Number(shown.daily) },
        // A PIKO starts a new day when it wakes up, so every night the chaos run causes restarts today's energy.
        dailyCounters: ['energy_today'],
      },
    ];
  }

  return {
    kind: 'kostal',
    configure(options) {
      options.kostal.push(entry);
    },
    stop: async () => {
      if (night) clearTimeout(night.falls);
      await sim.stop();
    },
    faults: () => faults,
    truth,
    freeze() {
      frozen = true;
      // Setting the clock to now ticks the counters up to now, then they stand still.
      void sim.setHour(sim.clock.hour());
    },
  };
}
