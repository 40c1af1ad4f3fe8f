/** The day/night cycle against the simulator over real HTTP on 127.0.0.1. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { Hub } from '../../../server/core/hub.ts';
import { createLogger } from '../../../server/core/logger.ts';
import { InverterSession } from '../../../server/drivers/kostal/inverterSession.ts';
import { kostalInverter } from '../../../server/drivers/kostal/options.ts';
import { KostalSim, type KostalSimOptions } from '../../../server/sim/kostal/simulator.ts';

interface Rig {
  sim: KostalSim;
  hub: Hub;
  session: InverterSession;
  logLines: string[];
  poll(): Promise<void>;
  state(): Record<string, unknown>;
  status(): { availability: string; reason?: string };
}

const rigs: Rig[] = [];
const dirs: string[] = [];

async function rig(simOpts: KostalSimOptions, config: Record<string, unknown> = {}, dataDir?: string): Promise<Rig> {
  const sim = new KostalSim({ clock: { hour: 12 }, ...simOpts });
  await sim.start();
  const hub = new Hub();
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logLines.push(String(chunk));
      cb();
    },
  });
  const dir = dataDir ?? mkdtempSync(path.join(tmpdir(), 'kostal-'));
  dirs.push(dir);
  const session = new InverterSession(kostalInverter.parse({ host: sim.hostPort, password: 'pvwr', timeout: 1, ...config }), {
    hub,
    log: createLogger('info', sink),
    dataDir: dir,
  });
  const r: Rig = {
    sim,
    hub,
    session,
    logLines,
    poll: () => session.poll().catch(() => undefined),
    state: () => hub.list()[0]?.state ?? {},
    status: () => hub.list()[0]?.status ?? { availability: 'none' },
  };
  rigs.push(r);
  return r;
}

afterEach(async () => {
  for (const r of rigs.splice(0)) {
    r.session.stop();
    await r.sim.stop();
  }
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('kostal classic inverter through a day and a night', () => {
  it('is online by day, asleep at dusk and at night, and wakes up with a new day', async () => {
    const r = await rig({ layout: '8.3-de', night: 'refused' });
    await r.poll();
    expect(r.status().availability).toBe('online');
    const device = r.hub.list()[0];
    expect(device!.info).toMatchObject({ id: 'kostal_90553KSE00123', serialNumber: '90553KSE00123' });
    expect(device!.info.model).toBe('PIKO 8.3');
    expect(r.state().ac_power).toBeGreaterThan(1000);
    expect(r.state().operating_state).toBe('feeding_mpp');
    expect(r.state().l3_power).toBeGreaterThan(0);
    const total = r.state().energy_total as number;

    await r.sim.setHour(21); // x x x pages
    await r.poll();
    expect(r.status()).toMatchObject({ availability: 'asleep' });
    expect(r.state().ac_power).toBe(0);
    expect(r.state().string1_voltage).toBeNull();
    expect(r.state().status_text).toBe('Aus');

    await r.sim.setHour(23); // web server gone
    for (let i = 0; i < 3; i++) await r.poll();
    expect(r.status()).toMatchObject({ availability: 'asleep', reason: expect.stringMatching(/not answering/) });
    expect(r.state().ac_power).toBe(0);
    expect(r.state().energy_total).toBe(total);
    expect(r.logLines.filter((l) => l.includes('asleep')).length).toBe(1);

    await r.sim.setHour(5.5); // idle, daily energy reset by the inverter
    await r.poll();
    expect(r.status().availability).toBe('online');
    expect(r.state().operating_state).toBe('idle');
    expect(r.state().energy_today).toBe(0);
    expect(r.logLines.filter((l) => l.includes('asleep')).length).toBe(1);
  });

  it('leaves power unavailable at night when the user chooses so', async () => {
    const r = await rig({ layout: '3.6-en', night: 'placeholders' }, { night_power: 'unavailable' });
    await r.poll();
    expect(r.state().l1_power).toBeGreaterThan(0);
    expect(r.state().l2_power).toBeUndefined();
    await r.sim.setHour(2);
    await r.poll();
    expect(r.status().availability).toBe('asleep');
    expect(r.state().ac_power).toBeNull();
    expect(r.state().energy_total).toBeGreaterThan(0);
  });

  it('handles the DXS generation the same way: status off, then no answer', async () => {
    const r = await rig({ generation: 'dxs', night: 'refused' });
    await r.poll();
    expect(r.status().availability).toBe('online');
    expect(r.state().dc_power).toBeGreaterThan(0);
    await r.sim.setHour(21);
    await r.poll();
    expect(r.status()).toMatchObject({ availability: 'asleep', reason: 'inverter is off (night)' });
    await r.sim.setHour(1);
    await r.poll();
    expect(r.status()).toMatchObject({ availability: 'asleep' });
    expect(r.state().ac_power).toBe(0);
    expect(r.state().l1_current).toBe(0);
    expect(r.state().energy_total).toBeGreaterThan(29);
  });

  it('remembers across a restart at night that silence means sleep', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kostal-'));
    const first = await rig({ layout: '8.3-en', night: 'refused', clock: { hour: 21 } }, {}, dir);
    await first.poll();
    expect(first.status().availability).toBe('asleep');
    const id = first.hub.list()[0]!.info.id;
    await first.sim.setHour(23);
    first.session.stop();
    const hub2 = new Hub();
    const second = new InverterSession(first.session.config, { hub: hub2, log: createLogger('silent'), dataDir: dir });
    await second.poll().catch(() => undefined);
    expect(hub2.get(id)?.status.availability).toBe('asleep');
  });
});
