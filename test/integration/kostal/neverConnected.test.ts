/**
 * A configured inverter that never answers properly (wrong password, nothing at its host)
 * is listed from the start, `connecting` then `fault` with the reason, counted by
 * `api/health`, and warned about once by its name.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { Hub } from '../../../server/core/hub.ts';
import { createLogger } from '../../../server/core/logger.ts';
import { createKostalDriver } from '../../../server/drivers/kostal/driver.ts';
import { optionsSchema } from '../../../server/options/schema.ts';
import { KostalSim } from '../../../server/sim/kostal/simulator.ts';
import type { WebContext } from '../../../server/web/context.ts';
import { createWebServer } from '../../../server/web/server.ts';
import { freePort, waitFor } from '../../support/ports.ts';
import { testWebContext } from '../../support/webContext.ts';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

function webContext(hub: Hub): WebContext {
  return testWebContext(hub, { dataDir: '/nonexistent' });
}

/** The Kostal driver for one inverter, its web API, the statuses it went through and its warnings. */
async function start(inverter: Record<string, unknown>) {
  const dir = mkdtempSync(path.join(tmpdir(), 'kostal-never-'));
  const warnings: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      for (const l of String(chunk).split('\n')) {
        const line = l ? (JSON.parse(l) as { level: number; msg: string }) : undefined;
        if (line && line.level === 40) warnings.push(line.msg);
      }
      cb();
    },
  });
  const hub = new Hub();
  const seen: string[] = [];
  hub.on('status', (rec) => seen.push(`${rec.info.id}: ${rec.status.availability}`));
  const driver = createKostalDriver({
    hub,
    log: createLogger('info', sink),
    dataDir: dir,
    options: optionsSchema.parse({ kostal: [{ name: 'Roof inverter', timeout: 2, ...inverter }] }),
    reportConfigError: () => undefined,
  });
  const web = await createWebServer(webContext(hub), { ingressOnly: false, uiDir: '/nonexistent' });
  cleanup.push(
    () => rmSync(dir, { recursive: true, force: true }),
    () => driver.stop(),
    () => web.close(),
  );
  await driver.start();
  const faulted = async () => {
    const devices = (await web.inject({ url: '/api/devices' })).json() as { availability: string }[];
    return devices[0]?.availability === 'fault' ? devices : undefined;
  };
  return { web, seen, warnings, faulted };
}

describe('a Kostal inverter that never connects', () => {
  it('with a wrong password is listed, connecting then in fault with the reason, and counted by api/health', async () => {
    // The DXS API takes no password; the classic page asks for one.
    const classic = new KostalSim({ clock: { hour: 12 }, generation: 'classic' });
    await classic.start();
    cleanup.push(() => classic.stop());
    const t = await start({ host: classic.hostPort, password: 'wrong' });

    const devices = await waitFor(t.faulted, { timeoutMs: 20_000, what: 'the inverter in fault' });
    const hostId = `kostal_${classic.hostPort.replace(/[^A-Za-z0-9]+/g, '_')}`;
    expect(devices).toEqual([
      expect.objectContaining({
        id: hostId,
        name: 'Roof inverter',
        availability: 'fault',
        reason: expect.stringMatching(/password rejected \(HTTP 401\)/),
      }),
    ]);
    expect(t.seen.slice(0, 2)).toEqual([`${hostId}: connecting`, `${hostId}: fault`]);
    const health = (await t.web.inject({ url: '/api/health' })).json();
    expect(health.devices).toEqual({ total: 1, online: 0, asleep: 0, connecting: 0, offline: 0, fault: 1 });
    expect(t.warnings).toEqual([expect.stringMatching(/^Kostal inverter "Roof inverter" \(.+\): fault \(.*password rejected/)]);
  }, 30_000);

  it('at a host that refuses connections is in fault with the reason', async () => {
    const host = `127.0.0.2:${await freePort()}`;
    const t = await start({ host, id: 'roof' });

    const devices = await waitFor(t.faulted, { timeoutMs: 20_000, what: 'the inverter in fault' });
    expect(devices).toEqual([
      expect.objectContaining({
        id: 'roof',
        name: 'Roof inverter',
        availability: 'fault',
        reason: expect.stringMatching(/never answered: .*refused/),
      }),
    ]);
    const health = (await t.web.inject({ url: '/api/health' })).json();
    expect(health.devices).toMatchObject({ total: 1, fault: 1 });
    expect(t.warnings).toEqual([expect.stringMatching(/^Kostal inverter "Roof inverter" \(roof\): fault/)]);
  }, 30_000);
});
