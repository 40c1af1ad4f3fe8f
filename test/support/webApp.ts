/** One route plugin on a bare Fastify, with the web server's zod schemas and error handler. */
import Fastify, { type FastifyInstance } from 'fastify';
import { prepareApi, type RoutePlugin, zodSchemaController } from '../../server/web/api.ts';
import type { WebContext } from '../../server/web/context.ts';

export async function routeApp<Extra extends object>(plugin: RoutePlugin<Extra>, ctx: WebContext, extra?: Extra): Promise<FastifyInstance> {
  const app = Fastify({ schemaController: zodSchemaController });
  prepareApi(app, ctx.log);
  await app.register(plugin, { ctx, ...(extra as Extra) });
  await app.ready();
  return app;
}
