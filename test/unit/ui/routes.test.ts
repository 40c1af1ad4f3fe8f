import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import os from 'node:os';
import { Hub } from '../../../server/core/hub.ts';
import { createLogger } from '../../../server/core/logger.ts';
import { DRIVER_DEFINITIONS } from '../../../server/drivers/registry.ts';
import type { Driver } from '../../../server/drivers/types.ts';
import { parseOptions } from '../../../server/options/load.ts';
import type { Options } from '../../../server/options/schema.ts';
import type { WebContext } from '../../../server/web/context.ts';
import { diagnosticsRoutes } from '../../../server/web/routes/diagnostics.ts';
import { onboardingRoutes } from '../../../server/web/routes/onboarding.ts';
import { optionsRoutes, SECRET_PLACEHOLDER } from '../../../server/web/routes/options.ts';
import { routeApp } from '../../support/webApp.ts';

function fakeContext(initial: unknown, drivers = new Map<string, Driver>()) {
  let options = parseOptions(initial);
  const saved: Options[] = [];
  const hub = new Hub();
  const ctx: WebContext = {
    hub,
    log: createLogger('error'),
    version: '9.9.9',
    startedAt: Date.now() - 5000,
    dataDir: os.tmpdir(),
    broker: () => ({ source: 'embedded', url: 'mqtt://127.0.0.1:1883', connected: true, queued: 0, dropped: 0, published: 3 }),
    brokerLogin: () => undefined,
    stats: () => ({ devices: hub.list().length }),
    recentLogs: () => [
      { time: 1, level: 'info', msg: 'mqtt password=hunter2 -----BEGIN PRIVATE KEY-----\nAAA\n-----END PRIVATE KEY-----' },
    ],
    configErrors: () => [{ where: 'kostal[1]', message: 'kostal[1].host: is required' }],
    options: () => options,
    saveOptions: async (next) => {
      options = parseOptions(next);
      saved.push(options);
      return options;
    },
    drivers: () => drivers,
    removeDevice: (id) => hub.removeDevice(id),
  };
  return { ctx, saved };
}

const initial = {
  mqtt: { host: 'core-mosquitto', username: 'addons', password: 'hunter2' },
  kostal: [{ host: '10.0.0.5', password: 'piko-pw' }],
  dlms_meters: [{ system_title: '4D4D4D0000BC614E', encryption_key: '000102030405060708090A0B0C0D0E0F' }],
};

let app: FastifyInstance;
afterEach(async () => {
  await app?.close();
});

describe('options routes', () => {
  it('send secrets as a placeholder and keep the stored ones when it comes back', async () => {
    const { ctx, saved } = fakeContext(initial);
    app = await routeApp(optionsRoutes, ctx);
    const got = (await app.inject({ url: '/api/options' })).json();
    expect(got.mqtt.password).toBe(SECRET_PLACEHOLDER);
    expect(got.dlms_meters[0].encryption_key).toBe(SECRET_PLACEHOLDER);
    expect(JSON.stringify(got)).not.toMatch(/hunter2|piko-pw|0A0B0C0D0E0F/);

    got.kostal[0].poll_interval = 60;
    const put = await app.inject({ method: 'PUT', url: '/api/options', payload: got });
    expect(put.statusCode).toBe(200);
    expect(saved[0]!.mqtt.password).toBe('hunter2');
    expect(saved[0]!.kostal[0]).toMatchObject({ host: '10.0.0.5', password: 'piko-pw', poll_interval: 60 });
    expect(saved[0]!.dlms_meters[0]).toMatchObject({ encryption_key: '000102030405060708090A0B0C0D0E0F' });
  });

  it('refuse invalid options with the message naming the field', async () => {
    const { ctx, saved } = fakeContext(initial);
    app = await routeApp(optionsRoutes, ctx);
    const res = await app.inject({ method: 'PUT', url: '/api/options', payload: { mqtt: { port: 'eighty' } } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatch(/mqtt\.port/);
    expect(saved).toHaveLength(0);
  });
});

describe('options routes with several devices of a kind', () => {
  const devices = {
    kostal: [
      { host: '10.0.0.5', password: 'first-pw' },
      { host: '10.0.0.6', password: 'second-pw' },
    ],
    dlms_meters: [
      { system_title: '4D4D4D0000BC614E', encryption_key: '000102030405060708090A0B0C0D0E0F' },
      {
        system_title: '4D4D4D0000BC614F',
        encryption_key: 'F0E0D0C0B0A090807060504030201000',
        authentication_key: 'D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF',
      },
    ],
    victron: [
      { id: 'boat', host: '10.0.1.1', username: 'u1', password: 'boat-pw' },
      { id: 'home', host: '10.0.1.2', username: 'u2', password: 'home-pw' },
    ],
  };

  it.each(['kostal', 'dlms_meters', 'victron'] as const)('keep each %s entry its own secrets when the first is removed', async (list) => {
    const { ctx, saved } = fakeContext(devices);
    app = await routeApp(optionsRoutes, ctx);
    const got = (await app.inject({ url: '/api/options' })).json();
    got[list] = got[list].slice(1);
    const put = await app.inject({ method: 'PUT', url: '/api/options', payload: got });
    expect(put.statusCode).toBe(200);
    expect(saved[0]![list]).toEqual([devices[list][1]]);
    for (const other of ['kostal', 'dlms_meters', 'victron'] as const) if (other !== list) expect(saved[0]![other]).toEqual(devices[other]);
  });

  it('refuse a placeholder for a device that has no stored secret, naming the field', async () => {
    const { ctx, saved } = fakeContext(devices);
    app = await routeApp(optionsRoutes, ctx);
    const got = (await app.inject({ url: '/api/options' })).json();
    got.kostal[0].host = '10.0.0.99';
    const put = await app.inject({ method: 'PUT', url: '/api/options', payload: got });
    expect(put.statusCode).toBe(400);
    expect(put.json().error).toMatch(/^kostal\[0\]\.password: .*enter it again/);
    expect(saved).toHaveLength(0);
  });
});

describe('onboarding routes', () => {
  it('save a device into its kind’s options list', async () => {
    const { ctx, saved } = fakeContext(initial);
    app = await routeApp(onboardingRoutes, ctx);
    const res = await app.inject({
      method: 'POST',
      url: '/api/onboarding/save',
      payload: { kind: 'kostal', config: { host: '10.0.0.9', name: 'Roof' } },
    });
    expect(res.json()).toEqual({ saved: true, list: 'kostal', index: 1 });
    expect(saved[0]!.kostal).toHaveLength(2);
    expect(saved[0]!.kostal[1]).toMatchObject({ host: '10.0.0.9', name: 'Roof' });
    expect(saved[0]!.kostal[0]).toMatchObject({ password: 'piko-pw' });

    const dlt = await app.inject({
      method: 'POST',
      url: '/api/onboarding/save',
      payload: { kind: 'dlt645', config: { address: '000000123456' } },
    });
    expect(dlt.statusCode).toBe(200);
    expect(saved[1]!.dlt645_meters).toEqual([{ address: '000000123456' }]);
  });

  it('refuse a duplicate, a bad config and an unknown kind with a clear message', async () => {
    const { ctx, saved } = fakeContext(initial);
    app = await routeApp(onboardingRoutes, ctx);
    const dup = await app.inject({
      method: 'POST',
      url: '/api/onboarding/save',
      payload: { kind: 'kostal', config: { host: '10.0.0.5' } },
    });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error).toMatch(/kostal\[0\]/);
    const bad = await app.inject({ method: 'POST', url: '/api/onboarding/save', payload: { kind: 'dlt645', config: { address: '12' } } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatch(/dlt645_meters\.address: must be the 12-digit meter address/);
    const kind = await app.inject({ method: 'POST', url: '/api/onboarding/test', payload: { kind: 'toaster', config: {} } });
    expect(kind.statusCode).toBe(400);
    expect(kind.json().error).toMatch(/^kind: must be one of: xtender, dlt645/);
    expect(saved).toHaveLength(0);
  });

  it('tell devices apart by what makes them that device: two unit ids behind one address are two devices', async () => {
    const { ctx, saved } = fakeContext({ ...initial, sunspec: [{ host: '10.0.0.9', port: 1502, unit_id: 71 }] });
    app = await routeApp(onboardingRoutes, ctx);
    const save = (config: Record<string, unknown>) =>
      app!.inject({ method: 'POST', url: '/api/onboarding/save', payload: { kind: 'sunspec', config } });
    const meter = await save({ host: '10.0.0.9', port: 1502, unit_id: 72 });
    expect(meter.statusCode).toBe(200);
    expect(saved).toHaveLength(1);
    const again = await save({ host: '10.0.0.9', port: 1502, unit_id: 71 });
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toMatch(/sunspec\[0\]/);
  });

  it('test a connection with the running driver, and report its failure as a result', async () => {
    const calls: unknown[] = [];
    const driver: Driver = {
      kind: 'victron',
      start: async () => undefined,
      stop: async () => undefined,
      testConnection: async (config) => {
        calls.push(config);
        if ((config as { host: string }).host === 'bad') throw new Error('connect ECONNREFUSED 10.9.9.9:1883');
        return { ok: true, message: 'portal id 0123456789ab', details: { portalId: '0123456789ab' } };
      },
    };
    const { ctx } = fakeContext(initial, new Map([['victron', driver]]));
    app = await routeApp(onboardingRoutes, ctx);
    const ok = await app.inject({
      method: 'POST',
      url: '/api/onboarding/test',
      payload: { kind: 'victron', config: { host: 'venus.local' } },
    });
    expect(ok.json()).toMatchObject({ ok: true, details: { portalId: '0123456789ab' } });
    const bad = await app.inject({ method: 'POST', url: '/api/onboarding/test', payload: { kind: 'victron', config: { host: 'bad' } } });
    expect(bad.json()).toEqual({ ok: false, message: 'connect ECONNREFUSED 10.9.9.9:1883' });
    expect(calls).toHaveLength(2);
  });

  it('list the devices waiting in every running driver that has some', async () => {
    const idle = { start: async () => undefined, stop: async () => undefined };
    const dlt645: Driver = {
      kind: 'dlt645',
      ...idle,
      pendingDevices: () => [{ kind: 'dlt645', label: '000000123456', remote: '10.1.1.1', config: { address: '000000123456' } }],
    };
    const kostal: Driver = { kind: 'kostal', ...idle };
    const dlms: Driver = {
      kind: 'dlms',
      ...idle,
      pendingDevices: () => [{ kind: 'dlms', label: '4D4D4D0000BC614E', config: { mode: 'push', system_title: '4D4D4D0000BC614E' } }],
    };
    const drivers = new Map<string, Driver>([
      ['dlt645', dlt645],
      ['kostal', kostal],
      ['dlms', dlms],
    ]);
    const { ctx } = fakeContext({}, drivers);
    app = await routeApp(onboardingRoutes, ctx);
    expect((await app.inject({ url: '/api/onboarding/pending' })).json()).toEqual([
      { kind: 'dlt645', label: '000000123456', remote: '10.1.1.1', config: { address: '000000123456' } },
      { kind: 'dlms', label: '4D4D4D0000BC614E', config: { mode: 'push', system_title: '4D4D4D0000BC614E' } },
    ]);
  });

  it('describe every kind with the form of its titled fields, defaults and choices', async () => {
    const { ctx } = fakeContext({});
    app = await routeApp(onboardingRoutes, ctx);
    const kinds = (await app.inject({ url: '/api/onboarding/kinds' })).json();
    expect(kinds.map((k: { kind: string }) => k.kind)).toEqual(DRIVER_DEFINITIONS.map((d) => d.kind));
    const kostal = kinds.find((k: { kind: string }) => k.kind === 'kostal');
    expect(kostal).toMatchObject({ label: 'Kostal PIKO inverter', discovery: ['host'], presets: [] });
    expect(kostal.schema.required).toEqual(['host']);
    expect(kostal.schema.properties.host).toMatchObject({ type: 'string', title: 'Inverter address' });
    expect(kostal.schema.properties.password).toMatchObject({ title: 'Password', widget: 'password' });
    expect(kostal.schema.properties.generation).toMatchObject({ enum: ['auto', 'classic', 'dxs'], default: 'auto' });
    expect(kostal.schema.properties.timeout.title).toBeUndefined();
    const xtender = kinds.find((k: { kind: string }) => k.kind === 'xtender');
    expect(xtender.schema.properties.serial_port).toMatchObject({ title: 'Serial port', widget: 'serial' });
  });
});

describe('diagnostics routes', () => {
  it('serve the bundle as an attachment with every secret redacted', async () => {
    const { ctx } = fakeContext(initial);
    ctx.hub.addDevice({ id: 'inv1', kind: 'kostal', name: 'Roof' }, [{ key: 'power', name: 'Power', unit: 'W' }]);
    app = await routeApp(diagnosticsRoutes, ctx);
    const res = await app.inject({ url: '/api/diagnostics/bundle' });
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="wattwire-diagnostics-.*\.json"$/);
    const bundle = res.json();
    expect(bundle).toMatchObject({
      version: '9.9.9',
      stats: { devices: 1 },
      configErrors: [{ where: 'kostal[1]' }],
      devices: [{ id: 'inv1', registers: ['power'] }],
    });
    expect(bundle.options.kostal[0]).toMatchObject({ host: '10.0.0.5', password: '[redacted]' });
    expect(res.body).not.toMatch(/piko-pw|0A0B0C0D0E0F|BEGIN PRIVATE KEY/);
    expect((await app.inject({ url: '/api/logs' })).json()).toHaveLength(1);
  });
});
