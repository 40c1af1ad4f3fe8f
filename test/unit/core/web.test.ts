import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { Hub } from '../../../server/core/hub.ts';
import { createLogger } from '../../../server/core/logger.ts';
import { optionsSchema } from '../../../server/options/schema.ts';
import type { WebContext } from '../../../server/web/context.ts';
import { createWebServer } from '../../../server/web/server.ts';
import { isAllowedPeer } from '../../../server/web/ingressGuard.ts';

function context(): WebContext {
  const hub = new Hub();
  hub
    .addDevice(
      { id: 'k1', kind: 'kostal', name: 'PIKO' },
      [
        { key: 'ac_power', name: 'AC power', unit: 'W', deviceClass: 'power', stateClass: 'measurement' },
        { key: 'limit', name: 'Limit', unit: 'W', writable: true, min: 0, max: 5000 },
      ],
      { read: async (keys) => keys.map((k) => ({ key: k, value: 1234 })) },
    )
    .setStatus('online');
  return {
    hub,
    log: createLogger('fatal', new Writable({ write: (_c, _e, cb) => cb() })),
    version: '0.1.0',
    startedAt: Date.now(),
    dataDir: '/tmp',
    broker: () => ({ source: 'embedded', url: 'mqtt://127.0.0.1:1883', connected: true, queued: 0, dropped: 0, published: 1 }),
    brokerLogin: () => undefined,
    stats: () => ({}),
    recentLogs: () => [],
    configErrors: () => [],
    options: () => optionsSchema.parse({}),
    saveOptions: async () => optionsSchema.parse({}),
    drivers: () => new Map(),
    removeDevice: (id) => hub.removeDevice(id),
  };
}

describe('web server', () => {
  it('serves health and devices, reads now, and refuses a write when writes are off', async () => {
    const app = await createWebServer(context(), { ingressOnly: false, uiDir: '/nonexistent' });
    expect((await app.inject({ url: '/api/health' })).json()).toMatchObject({ status: 'ok', broker: { connected: true } });
    const devices = (await app.inject({ url: '/api/devices' })).json();
    expect(devices[0]).toMatchObject({ id: 'k1', availability: 'online' });
    const read = await app.inject({ method: 'POST', url: '/api/devices/k1/read', payload: { keys: ['ac_power'] } });
    expect(read.json()).toEqual({ readings: [{ key: 'ac_power', value: 1234, unit: 'W' }] });
    const write = await app.inject({ method: 'POST', url: '/api/devices/k1/write', payload: { key: 'limit', value: 10 } });
    expect(write.statusCode).toBe(403);
    expect(write.json().error).toMatch(/not allowed/);
    const bad = await app.inject({ method: 'POST', url: '/api/devices/k1/read', payload: { keys: 'x' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatch(/keys/);
    expect((await app.inject({ url: '/api/devices/nope' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'DELETE', url: '/api/devices/k1' })).json()).toEqual({ removed: true });
    await app.close();
  });

  it('under the Supervisor lets only the ingress proxy and loopback in', async () => {
    const app = await createWebServer(context(), { ingressOnly: true, uiDir: '/nonexistent' });
    expect((await app.inject({ url: '/api/health', remoteAddress: '172.30.32.2' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/api/health', remoteAddress: '127.0.0.1' })).statusCode).toBe(200);
    const lan = await app.inject({ url: '/api/health', remoteAddress: '192.168.1.20' });
    expect(lan.statusCode).toBe(403);
    expect((await app.inject({ url: '/', remoteAddress: '172.30.33.5' })).statusCode).toBe(403);
    await app.close();
  });

  it('recognises peers', () => {
    expect(isAllowedPeer('::ffff:172.30.32.2')).toBe(true);
    expect(isAllowedPeer('::1')).toBe(true);
    expect(isAllowedPeer('172.30.32.1')).toBe(false);
    expect(isAllowedPeer(undefined)).toBe(false);
  });
});
