/**
 * The embedded broker's address and login for the panel, so a user can set up Home
 * Assistant's MQTT integration or an IVY client. The panel is only reachable through
 * ingress; this route is never part of the diagnostics bundle.
 */
import type { FastifyInstance } from 'fastify';
import type { WebContext } from '../context.ts';

const loginSchema = {
  type: 'object',
  required: ['embedded'],
  additionalProperties: false,
  properties: {
    embedded: { type: 'boolean' },
    host: { type: 'string' },
    port: { type: 'integer' },
    wsPort: { type: 'integer' },
    username: { type: 'string' },
    password: { type: 'string' },
  },
} as const;

export async function registerBrokerRoutes(app: FastifyInstance, ctx: WebContext): Promise<void> {
  app.get('/api/broker/login', { schema: { response: { 200: loginSchema } } }, async (_req, reply) => {
    reply.header('Cache-Control', 'no-store');
    const login = ctx.brokerLogin();
    return login ? { embedded: true, ...login } : { embedded: false };
  });
}
