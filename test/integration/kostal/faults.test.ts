/** Faults against the simulator over real HTTP: each gets its own status and message. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Hub } from '../../../server/core/hub.ts';
import { createLogger } from '../../../server/core/logger.ts';
import { InverterSession } from '../../../server/drivers/kostal/inverterSession.ts';
import { kostalInverter } from '../../../server/drivers/kostal/options.ts';
import { KostalSim } from '../../../server/sim/kostal/simulator.ts';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function setup(password = 'pvwr') {
  const sim = new KostalSim({ clock: { hour: 12 }, slowMs: 2500 });
  await sim.start();
  const dir = mkdtempSync(path.join(tmpdir(), 'kostal-'));
  const hub = new Hub();
  const session = new InverterSession(kostalInverter.parse({ host: sim.hostPort, password, timeout: 1, generation: 'classic' }), {
    hub,
    log: createLogger('silent'),
    dataDir: dir,
  });
  cleanup.push(
    () => rmSync(dir, { recursive: true, force: true }),
    () => sim.stop(),
    () => session.stop(),
  );
  const poll = async (): Promise<string | undefined> => {
    try {
      await session.poll();
      return undefined;
    } catch (err) {
      return (err as Error).message;
    }
  };
  const status = () => hub.list()[0]!.status;
  return { sim, hub, poll, status };
}

describe('kostal faults', () => {
  it('a wrong password is a fault that names the 401', async () => {
    const t = await setup('wrong');
    expect(await t.poll()).toMatch(/HTTP 401/);
    expect(t.status()).toMatchObject({ availability: 'fault', reason: expect.stringMatching(/password rejected/) });
  });

  it('HTTP 500 and a truncated page are faults; the inverter recovers after', async () => {
    const t = await setup();
    await t.poll();
    expect(t.status().availability).toBe('online');
    const total = t.hub.list()[0]!.state.energy_total;
    await t.sim.setFault('500');
    await t.poll();
    expect(t.status()).toMatchObject({ availability: 'fault', reason: 'HTTP 500 from /index.fhtml' });
    await t.sim.setFault('truncated');
    await t.poll();
    expect(t.status()).toMatchObject({ availability: 'fault', reason: expect.stringMatching(/truncated/) });
    expect(t.hub.list()[0]!.state.energy_total).toBe(total);
    await t.sim.setFault(null);
    await t.poll();
    expect(t.status().availability).toBe('online');
  });

  it('a slow or refusing inverter at midday is offline, not asleep', async () => {
    const t = await setup();
    await t.poll();
    await t.sim.setFault('slow');
    await t.poll();
    expect(t.status()).toMatchObject({ availability: 'offline', reason: expect.stringMatching(/no answer within 1 s/) });
    await t.sim.setFault('refused');
    await t.poll();
    expect(t.status()).toMatchObject({ availability: 'offline', reason: expect.stringMatching(/connection refused/) });
    await t.sim.setFault(null);
    await t.poll();
    expect(t.status().availability).toBe('online');
  });
});
