/**
 * What every API route module is: a Fastify plugin whose schemas are zod (validated and
 * typed through the zod type provider), given the running bridge as its `ctx` option.
 */
import type { FastifyInstance } from 'fastify';
import { type FastifyPluginAsyncZod, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Logger } from '../core/logger.ts';
import type { WebContext } from './context.ts';
import { refusalOf } from './httpErrors.ts';

export interface RouteOptions {
  ctx: WebContext;
}

export type RoutePlugin<Extra extends object = object> = FastifyPluginAsyncZod<RouteOptions & Extra>;

/** zod schemas for validation and responses; refusals mapped to a status by their type. */
export function prepareApi(app: FastifyInstance, log: Logger): void {
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler((err, req, reply) => {
    const { status, message } = refusalOf(err);
    // The detail (paths, library internals) goes to the log, not to the client.
    if (status >= 500) log.error(`web: ${req.method} ${req.routeOptions.url ?? req.url}: ${errorDetail(err)}`);
    return reply.code(status).send({ error: message });
  });
  app.setNotFoundHandler((req, reply) => {
    void reply.code(404).send({ error: `no such resource: ${req.method} ${req.url}` });
  });
}

function errorDetail(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}
