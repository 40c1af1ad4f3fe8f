/** The driver from options, the DXS generation, onboarding and the simulator CLI. */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Hub } from '../../../server/core/hub.ts';
import { createLogger } from '../../../server/core/logger.ts';
import { createKostalDriver, testConnection } from '../../../server/drivers/kostal/driver.ts';
import { optionsSchema } from '../../../server/options/schema.ts';
import { KostalSim } from '../../../server/sim/kostal/simulator.ts';
import { freePort, waitFor } from '../../support/ports.ts';
import { kostalPage } from '../../support/deviceDocuments.ts';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function sim(opts: ConstructorParameters<typeof KostalSim>[0]): Promise<KostalSim> {
  const s = new KostalSim({ clock: { hour: 12 }, ...opts });
  await s.start();
  cleanup.push(() => s.stop());
  return s;
}

describe('kostal driver', () => {
  it('detects the DXS API, takes the serial number as identity and publishes per-phase values', async () => {
    const s = await sim({ generation: 'dxs', serial: '90553KSE00777' });
    const hub = new Hub();
    const dir = mkdtempSync(path.join(tmpdir(), 'kostal-'));
    const errors: string[] = [];
    const driver = createKostalDriver({
      hub,
      log: createLogger('silent'),
      dataDir: dir,
      options: optionsSchema.parse({ kostal: [{ host: s.hostPort }, { host: '' }] }),
      reportConfigError: (where, message) => errors.push(`${where}: ${message}`),
    });
    cleanup.push(
      () => rmSync(dir, { recursive: true, force: true }),
      () => driver.stop(),
    );
    await driver.start();
    expect(errors).toEqual([expect.stringMatching(/^kostal\[1\]: host is required/)]);
    const device = await waitFor(() =>
      hub.get('kostal_90553KSE00777')?.state.l3_current !== undefined ? hub.get('kostal_90553KSE00777') : undefined,
    );
    expect(device.status.availability).toBe('online');
    expect(device.info).toMatchObject({ model: 'PIKO 7.0', serialNumber: '90553KSE00777', manufacturer: 'KOSTAL' });
    expect(device.state.grid_frequency).toBeCloseTo(50, 0);
    expect(device.state.energy_total).toBeCloseTo(29.07, 1);
    const read = await hub.read('kostal_90553KSE00777', ['ac_power']);
    expect(read[0]!.value).toBeGreaterThan(0);
  });

  it('testConnection reports identity and generation, and a clear reason when it fails', async () => {
    const classic = await sim({ layout: '8.3-en' });
    const ok = await testConnection({ host: classic.hostPort, password: 'pvwr', timeout: 2 });
    expect(ok).toMatchObject({
      ok: true,
      details: { serial: '90553KSE00123', model: 'PIKO 8.3', generation: 'classic', deviceId: 'kostal_90553KSE00123' },
    });
    const wrong = await testConnection({ host: classic.hostPort, password: 'nope', timeout: 2 });
    expect(wrong).toMatchObject({ ok: false, message: expect.stringMatching(/HTTP 401/) });
    const port = await freePort();
    const gone = await testConnection({ host: `127.0.0.1:${port}`, timeout: 2 });
    expect(gone).toMatchObject({ ok: false, message: expect.stringMatching(/connection refused.*daylight/) });
    expect((await testConnection({ host: 'x', night_power: 'dark' })).message).toMatch(/kostal\.night_power/);
  });

  it('`wattwire sim kostal` serves a sample page unchanged behind Basic auth', async () => {
    const port = await freePort();
    const proc = spawn(
      process.execPath,
      ['--import', 'tsx', 'server/cli.ts', 'sim', 'kostal', '--port', String(port), '--page', 'piko-8.3-index-de-off-night.html'],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    cleanup.push(
      () =>
        new Promise<void>((resolve) => {
          if (proc.exitCode !== null) return resolve();
          proc.once('exit', () => resolve());
          proc.kill('SIGTERM');
        }),
    );
    let out = '';
    proc.stdout.on('data', (d) => (out += String(d)));
    await waitFor(() => out.includes(`127.0.0.1:${port}`), { timeoutMs: 20_000, what: 'simulator start' });
    const url = `http://127.0.0.1:${port}/index.fhtml`;
    const denied = await fetch(url);
    expect(denied.status).toBe(401);
    expect(denied.headers.get('www-authenticate')).toMatch(/^Basic/);
    const page = await fetch(url, { headers: { Authorization: `Basic ${Buffer.from('pvserver:pvwr').toString('base64')}` } });
    const expected = kostalPage('piko-8.3-index-de-off-night.html');
    expect(Buffer.from(await page.arrayBuffer()).equals(expected)).toBe(true);
  });
});
