/**
 * The web server on port 8099 (Home Assistant ingress): REST under api/, a live stream of
 * readings and status, and the built UI. All paths are relative to the ingress prefix.
 * Every group of routes is a plugin (`routes/`), given the running bridge as `ctx`.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { installAccessGuard } from './accessGuard.ts';
import { prepareApi, type RoutePlugin, zodSchemaController } from './api.ts';
import type { WebContext } from './context.ts';
import { BadRequestError } from './httpErrors.ts';
import { exceedsJsonDepth, MAX_JSON_DEPTH } from './jsonDepth.ts';
import { deviceRoutes } from './routes/devices.ts';
import { streamRoutes } from './routes/stream.ts';

export interface WebServerOptions {
  /** Enforce the ingress allow-list (when running under the Supervisor). */
  ingressOnly: boolean;
  /** Standalone beyond loopback: every api/ request must carry this token. */
  token?: string;
  uiDir: string;
  /** Route plugins beyond the core API (devices and the live stream). */
  routeModules?: readonly RoutePlugin[];
}

export async function createWebServer(ctx: WebContext, opts: WebServerOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024, schemaController: zodSchemaController });

  installAccessGuard(app, ctx.log, { ingressOnly: opts.ingressOnly, token: opts.token });
  limitJsonDepth(app);
  prepareApi(app, ctx.log);

  for (const routes of [deviceRoutes, streamRoutes, ...(opts.routeModules ?? [])]) await app.register(routes, { ctx });

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
    if (exceedsJsonDepth(text)) return done(new BadRequestError(`the JSON body is nested deeper than ${MAX_JSON_DEPTH} levels`), undefined);
    parse(req, text, done);
  });
}
