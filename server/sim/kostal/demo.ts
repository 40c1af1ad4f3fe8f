/** The Kostal simulator for `npm run demo`: a PIKO 8.3 living a day in 20 minutes, with faults for the chaos run. */
import type { DemoSim, SimFault as DemoFault, SimTruth } from '../demoSim.ts';
import { shownEnergy } from './classicPages.ts';
import { KostalSim, type SimFault } from './simulator.ts';

/** Page faults the chaos run may inject, by name. */
const PAGE_FAULTS: Record<string, SimFault> = { 'kostal: HTTP 500': '500', 'kostal: truncated page': 'truncated', 'kostal: slow': 'slow' };
/** Dusk (`x x x` pages) and the dead of night (web server gone). */
const DUSK_HOUR = 21;
const NIGHT_HOUR = 23;

export async function startDemoSim(): Promise<DemoSim> {
  const sim = new KostalSim({ layout: '8.3-en', night: 'refused', clock: { daySeconds: 1200, startHour: 9 } });
  await sim.start();
  // The classic page shows no serial number: the bridge names the inverter after its host.
  const id = `kostal_${sim.hostPort.replace(/[^A-Za-z0-9]+/g, '_')}`;
  const entry = { name: 'PIKO 8.3 (simulated)', host: sim.hostPort, username: 'pvserver', password: 'pvwr', poll_interval: 5 };
  // Faults may overlap, the same one too: each is undone when its last injection is recovered.
  const active = new Map<string, number>();
  let night: { dayHour: number; falls: NodeJS.Timeout } | undefined;
  let frozen = false;

  const pageFault = (): SimFault | null => [...active.keys()].map((n) => PAGE_FAULTS[n]).find(Boolean) ?? null;
  const apply = () => sim.setFault(pageFault());
  const enter = (name: string) => active.set(name, (active.get(name) ?? 0) + 1).get(name) === 1;
  const leave = (name: string) => {
    const left = (active.get(name) ?? 1) - 1;
    if (left > 0) active.set(name, left);
    else active.delete(name);
    return left === 0;
  };

  const faults: DemoFault[] = [
    ...Object.keys(PAGE_FAULTS).map((name) => ({
      name,
      inject: async () => {
        enter(name);
        await apply();
      },
      recover: async () => {
        leave(name);
        await apply();
      },
    })),
    {
      name: 'kostal: inverter sleeps',
      // Like a real dusk: `x x x` pages for a few polls, then the web server goes away.
      // The clock is set without ticking the counters, so a night the bridge never saw resets nothing.
      inject: async () => {
        if (!enter('night')) return;
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
      recover: async () => {
        if (!leave('night') || !night) return;
        clearTimeout(night.falls);
        sim.clock.setHour(night.dayHour);
        if (!frozen) sim.clock.resume();
        night = undefined;
        await apply();
      },
    },
  ];

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
