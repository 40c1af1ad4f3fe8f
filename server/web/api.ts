/**
 * What every API route module is: a Fastify plugin whose schemas are zod (validated and
 * typed through the zod type provider), given the running bridge as its `ctx` option.
 */
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { type FastifyPluginAsyncZod, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Logger } from '../core/logger.ts';
import type { WebContext } from './context.ts';
import { refusalOf } from './httpErrors.ts';

export interface RouteOptions {
  ctx: WebContext;
}

export type RoutePlugin<Extra extends object = object> = FastifyPluginAsyncZod<RouteOptions & Extra>;

/**
 * zod compiles every route's schemas. Given as the schema controller's factories, Fastify
 * never loads its default compilers (ajv, fast-json-stringify), about 2 MB of an idle
 * add-on's heap; `setValidatorCompiler` alone would still load and build them.
 */
export const zodSchemaController: FastifyServerOptions['schemaController'] = {
  // Fastify types the factories after ajv's compilers; it calls what they return with its
  // route definitions, which is what the zod compilers take.
  compilersFactory: {
    buildValidator: (() => validatorCompiler) as unknown as CompilersFactory['buildValidator'],
    buildSerializer: (() => serializerCompiler) as unknown as CompilersFactory['buildSerializer'],
  },
};

type CompilersFactory = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>;

/** Refusals mapped to a status by their type, and a JSON 404. */
export function prepareApi(app: FastifyInstance, log: Logger): void {
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
