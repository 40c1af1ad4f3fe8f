/**
 * The embedded broker's address and login for the panel, so a user can set up Home
 * Assistant's MQTT integration or an IVY client. The panel is only reachable through
 * ingress; this route is never part of the diagnostics bundle.
 */
import type { RoutePlugin } from '../api.ts';
import { brokerLoginView } from '../statusView.ts';

export const brokerRoutes: RoutePlugin = async (app, { ctx }) => {
  app.get('/api/broker/login', { schema: { response: { 200: brokerLoginView } } }, async (_req, reply) => {
    reply.header('Cache-Control', 'no-store');
    const brokerLogin = ctx.brokerLogin();
    return brokerLogin ? { embedded: true as const, ...brokerLogin } : { embedded: false as const };
  });
};
