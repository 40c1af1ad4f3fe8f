/**
 * The web server on port 8099 (Home Assistant ingress): REST under api/, a live stream of
 * readings and status, and the built UI. All paths are relative to the ingress prefix.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { deviceCounts } from '../core/deviceCounts.ts';
import { CommandError, WritesOffError } from '../core/hub.ts';
import { installAccessGuard } from './accessGuard.ts';
import type { WebContext } from './context.ts';
import { deviceView } from './deviceView.ts';
import { exceedsJsonDepth, MAX_JSON_DEPTH } from './jsonDepth.ts';
import { serveLiveStream } from './liveStream.ts';

export type RouteModule = (app: FastifyInstance, ctx: WebContext) => Promise<void>;

export interface WebServerOptions {
  /** Enforce the ingress allow-list (when running under the Supervisor). */
  ingressOnly: boolean;
  /** Standalone beyond loopback: every api/ request must carry this token. */
  token?: string;
  uiDir: string;
  routeModules?: RouteModule[];
}

export async function createWebServer(ctx: WebContext, opts: WebServerOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });

  installAccessGuard(app, ctx.log, { ingressOnly: opts.ingressOnly, token: opts.token });
  limitJsonDepth(app);

  app.setErrorHandler((err: Error & { statusCode?: number; validation?: unknown }, req, reply) => {
    const status = err instanceof CommandError ? 400 : err.statusCode && err.statusCode < 500 ? err.statusCode : 500;
    if (status < 500) return reply.code(status).send({ error: err.message });
    // The detail (paths, library internals) goes to the log, not to the client.
    ctx.log.error(`web: ${req.method} ${req.routeOptions.url ?? req.url}: ${err.stack ?? err.message}`);
    return reply.code(status).send({ error: 'internal error; the details are in the add-on log' });
  });
  app.setNotFoundHandler((req, reply) => {
    void reply.code(404).send({ error: `no such resource: ${req.method} ${req.url}` });
  });

  app.get('/api/health', async () => ({
    status: 'ok',
    version: ctx.version,
    uptime: Date.now() - ctx.startedAt,
    broker: ctx.broker(),
    configErrors: ctx.configErrors(),
    devices: deviceCounts(ctx.hub.list()),
  }));
  app.get('/api/stats', async () => ctx.stats());
  app.get('/api/devices', async () => ctx.hub.list().map(deviceView));
  app.get<{ Params: { id: string } }>('/api/devices/:id', async (req, reply) => {
    const rec = ctx.hub.get(req.params.id);
    if (!rec) return reply.code(404).send({ error: `Unknown device ${req.params.id}` });
    return deviceView(rec);
  });
  app.delete<{ Params: { id: string } }>('/api/devices/:id', async (req, reply) => {
    if (!(await ctx.removeDevice(req.params.id))) return reply.code(404).send({ error: `Unknown device ${req.params.id}` });
    return { removed: true };
  });
  app.post<{ Params: { id: string }; Body: unknown }>('/api/devices/:id/read', async (req) => {
    const keys = (req.body as { keys?: unknown } | null)?.keys;
    if (!Array.isArray(keys) || keys.length === 0 || !keys.every((k) => typeof k === 'string')) {
      throw new CommandError('body must be {"keys": ["register", ...]}');
    }
    const readings = await ctx.hub.read(req.params.id, keys);
    return {
      readings: readings.map((r) => ({
        key: r.register.key,
        value: r.value,
        unit: r.register.unit ?? null,
        ...(r.error !== undefined ? { error: r.error } : {}),
      })),
    };
  });
  app.post<{ Params: { id: string }; Body: unknown }>('/api/devices/:id/write', async (req, reply) => {
    const body = req.body as { key?: unknown; value?: unknown } | null;
    if (typeof body?.key !== 'string' || !['number', 'string', 'boolean'].includes(typeof body.value)) {
      throw new CommandError('body must be {"key": "register", "value": number | string | boolean}');
    }
    try {
      return { value: await ctx.hub.write(req.params.id, body.key, body.value as number | string | boolean) };
    } catch (err) {
      if (err instanceof WritesOffError) return reply.code(403).send({ error: err.message });
      throw err;
    }
  });
  app.get('/api/stream', (req, reply) => serveLiveStream(ctx.hub, ctx.broker, req, reply));

  for (const register of opts.routeModules ?? []) await register(app, ctx);

  if (existsSync(path.join(opts.uiDir, 'index.html'))) {
    await app.register(fastifyStatic, { root: path.resolve(opts.uiDir), prefix: '/', index: ['index.html'] });
  } else {
    app.get('/', async (_req, reply) =>
      reply.type('text/html').send('<!doctype html><title>Wattwire</title><p>The UI is not built: run <code>npm run build:ui</code>.</p>'),
    );
  }
  return app;
}

/** Fastify's JSON parser (prototype-poisoning checks included) behind a nesting bound. */
function limitJsonDepth(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    const text = String(body);
    if (exceedsJsonDepth(text)) {
      const err = Object.assign(new Error(`the JSON body is nested deeper than ${MAX_JSON_DEPTH} levels`), { statusCode: 400 });
      return done(err, undefined);
    }
    parse(req, text, done);
  });
}
