/** GET api/stream: the live stream (see `liveStream.ts`); every open stream ends with the server. */
import type { RoutePlugin } from '../api.ts';
import { type LiveSubscription, openLiveStream } from '../liveStream.ts';

export const streamRoutes: RoutePlugin = async (app, { ctx }) => {
  const open = new Set<LiveSubscription>();
  // Before the server waits for its connections to end, which a stream never does by itself.
  app.addHook('preClose', async () => {
    for (const subscription of open) subscription.close();
  });
  app.get('/api/stream', (_req, reply) => {
    reply.hijack();
    const subscription = openLiveStream(ctx.hub, ctx.broker, reply.raw);
    open.add(subscription);
    reply.raw.once('close', () => open.delete(subscription));
  });
};
