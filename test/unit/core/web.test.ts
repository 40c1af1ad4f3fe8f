import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import * as z from 'zod';
import { CommandError, Hub, WritesOffError } from '../../../server/core/hub.ts';
import { OptionsError } from '../../../server/options/load.ts';
import { createLogger, LogRing } from '../../../server/core/logger.ts';
import type { WebContext } from '../../../server/web/context.ts';
import { createWebServer } from '../../../server/web/server.ts';
import { isLoopbackHost, webExposure, WebExposureError } from '../../../server/web/exposure.ts';
import { isAllowedPeer } from '../../../server/web/ingressGuard.ts';
import type { RoutePlugin } from '../../../server/web/api.ts';
import { BadRequestError, ConflictError, ForbiddenError, NotFoundError } from '../../../server/web/httpErrors.ts';
import { ROUTE_MODULES } from '../../../server/web/routes/index.ts';
import { sameToken } from '../../../server/web/tokenAuth.ts';
import { testWebContext } from '../../support/webContext.ts';

function context(): WebContext {
  const hub = new Hub();
  hub
    .addDevice(
      { id: 'k1', kind: 'kostal', name: 'PIKO', writesOption: 'allow_writes' },
      [
        { key: 'ac_power', name: 'AC power', unit: 'W', deviceClass: 'power', stateClass: 'measurement' },
        { key: 'limit', name: 'Limit', unit: 'W', writable: true, min: 0, max: 5000 },
      ],
      { read: async (keys) => keys.map((k) => ({ key: k, value: 1234 })) },
    )
    .setStatus('online');
  return testWebContext(hub);
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
    expect(write.json().error).toBe('Writes are off for device k1 ("PIKO"): turn on allow_writes in its options');
    const readOnly = await app.inject({ method: 'POST', url: '/api/devices/k1/write', payload: { key: 'ac_power', value: 10 } });
    expect(readOnly.statusCode).toBe(400);
    expect(readOnly.json().error).toBe('Register "ac_power" is read-only');
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

describe('web exposure', () => {
  it('listens on loopback standalone, everywhere under the Supervisor, and needs a token beyond loopback', () => {
    expect(webExposure({})).toEqual({ host: '127.0.0.1', ingressOnly: false, token: undefined });
    expect(webExposure({ supervisorToken: 's' })).toEqual({ host: '0.0.0.0', ingressOnly: true });
    expect(webExposure({ httpHost: '::1' }).host).toBe('::1');
    expect(() => webExposure({ httpHost: '192.168.1.5' })).toThrow(WebExposureError);
    expect(() => webExposure({ httpHost: '0.0.0.0', httpToken: 'short' })).toThrow(/at least 16/);
    expect(webExposure({ httpHost: '0.0.0.0', httpToken: 'x'.repeat(16) })).toMatchObject({ host: '0.0.0.0', token: 'x'.repeat(16) });
    expect(isLoopbackHost('127.1.2.3')).toBe(true);
    expect(isLoopbackHost('127.example.com')).toBe(false);
  });

  it('compares tokens whatever their length', () => {
    expect(sameToken('abc', 'abc')).toBe(true);
    expect(sameToken('abc', 'abcd')).toBe(false);
    expect(sameToken('', 'abc')).toBe(false);
  });

  it('logs a flood of refused ingress requests as one warning and one summary, keeping earlier lines', async () => {
    const ring = new LogRing();
    const ctx = { ...context(), log: createLogger('info', new Writable({ write: (_c, _e, cb) => cb() }), ring) };
    ctx.log.info('an earlier line');
    const app = await createWebServer(ctx, { ingressOnly: true, uiDir: '/nonexistent' });
    for (let i = 0; i < 5000; i++) {
      expect((await app.inject({ url: '/api/health', remoteAddress: '192.168.1.20' })).statusCode).toBe(403);
    }
    await app.close();
    const lines = ring.recent();
    expect(lines.filter((l) => l.level === 'warning').length).toBeLessThanOrEqual(2);
    expect(lines.some((l) => l.msg === 'an earlier line')).toBe(true);
  });
});

describe('request bodies and failures', () => {
  it('answers a too deeply nested JSON body with 400 naming the limit', async () => {
    const app = await createWebServer(context(), { ingressOnly: false, uiDir: '/nonexistent', routeModules: ROUTE_MODULES });
    const deep = `{"kostal":${'['.repeat(50_000)}${']'.repeat(50_000)}}`;
    const res = await app.inject({ method: 'PUT', url: '/api/options', payload: deep, headers: { 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatch(/nested deeper than 64 levels/);
    await app.close();
  });

  it('answers an internal failure with a generic message and logs the detail', async () => {
    const ring = new LogRing();
    const ctx = { ...context(), log: createLogger('info', new Writable({ write: (_c, _e, cb) => cb() }), ring) };
    ctx.stats = () => {
      throw new Error('EACCES: permission denied, open /data/secret/thing');
    };
    const app = await createWebServer(ctx, { ingressOnly: false, uiDir: '/nonexistent' });
    const res = await app.inject({ url: '/api/stats' });
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toMatch(/EACCES|\/data/);
    expect(ring.recent().some((l) => l.level === 'error' && /EACCES/.test(l.msg))).toBe(true);
    await app.close();
  });
});

describe('error handler', () => {
  const thrown: Record<string, () => Error> = {
    bad: () => new BadRequestError('must be a number', 'poll_interval'),
    forbidden: () => new ForbiddenError('not for you'),
    missing: () => new NotFoundError('no such meter'),
    conflict: () => new ConflictError('already there'),
    command: () => new CommandError('Register "x" is read-only'),
    writes: () => new WritesOffError('Writes are off'),
    options: () => new OptionsError('mqtt.port: must be a port number'),
    internal: () => new Error('EACCES: permission denied, open /data/options.json'),
    // Even an error that says it is a client's fault is a 500 unless its type says so.
    pretender: () => Object.assign(new Error('ENOENT /data/secret is not allowed'), { statusCode: 403 }),
  };
  const throwing: RoutePlugin = async (app) => {
    app.get('/api/throw/:what', { schema: { params: z.object({ what: z.enum(Object.keys(thrown)) }) } }, async (req) => {
      throw thrown[req.params.what]!();
    });
    app.get(
      '/api/limit',
      { schema: { querystring: z.object({ n: z.coerce.number().int().max(10, { error: 'is at most 10' }) }) } },
      async (req) => ({
        n: req.query.n,
      }),
    );
  };

  it('maps each typed refusal to its status and message, and hides everything else behind a 500', async () => {
    const ring = new LogRing();
    const ctx = { ...context(), log: createLogger('info', new Writable({ write: (_c, _e, cb) => cb() }), ring) };
    const app = await createWebServer(ctx, { ingressOnly: false, uiDir: '/nonexistent', routeModules: [throwing] });
    const answer = async (what: string) => {
      const res = await app.inject({ url: `/api/throw/${what}` });
      return [res.statusCode, res.json().error];
    };
    expect(await answer('bad')).toEqual([400, 'poll_interval: must be a number']);
    expect(await answer('forbidden')).toEqual([403, 'not for you']);
    expect(await answer('missing')).toEqual([404, 'no such meter']);
    expect(await answer('conflict')).toEqual([409, 'already there']);
    expect(await answer('command')).toEqual([400, 'Register "x" is read-only']);
    expect(await answer('writes')).toEqual([403, 'Writes are off']);
    expect(await answer('options')).toEqual([400, 'mqtt.port: must be a port number']);
    for (const what of ['internal', 'pretender']) {
      const res = await app.inject({ url: `/api/throw/${what}` });
      expect(res.statusCode).toBe(500);
      expect(res.json()).toEqual({ error: 'internal error; the details are in the add-on log' });
      expect(res.body).not.toMatch(/EACCES|ENOENT|\/data/);
    }
    expect(
      ring
        .recent()
        .filter((l) => l.level === 'error')
        .map((l) => l.msg),
    ).toEqual([
      expect.stringMatching(/GET \/api\/throw\/:what: Error: EACCES/),
      expect.stringMatching(/GET \/api\/throw\/:what: Error: ENOENT/),
    ]);
    await app.close();
  });

  it('refuses a request its schema rejects with 400, naming the field', async () => {
    const app = await createWebServer(context(), { ingressOnly: false, uiDir: '/nonexistent', routeModules: [throwing] });
    const res = await app.inject({ url: '/api/limit?n=11' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toBe('querystring.n: is at most 10');
    expect((await app.inject({ url: '/api/limit?n=3' })).json()).toEqual({ n: 3 });
    const write = await app.inject({ method: 'POST', url: '/api/devices/k1/write', payload: { key: 'limit', value: [1] } });
    expect(write.statusCode).toBe(400);
    expect(write.json().error).toBe('value: must be a number, text or true/false');
    await app.close();
  });
});
