/** The add-on options for the UI: secrets go out as a placeholder and come back as stored. */
import type { FastifyInstance } from 'fastify';
import type { WebContext } from '../context.ts';
import { redactSecrets, restoreSecrets } from '../secrets.ts';

/** Stands for a stored secret; sending it back keeps the stored value. */
export const SECRET_PLACEHOLDER = '********';

export async function registerOptionsRoutes(app: FastifyInstance, ctx: WebContext): Promise<void> {
  app.get('/api/options', async () => redactSecrets(ctx.options(), SECRET_PLACEHOLDER));

  app.put('/api/options', async (req, reply) => {
    if (req.body === null || typeof req.body !== 'object' || Array.isArray(req.body)) {
      return reply.code(400).send({ error: 'the options must be a JSON object' });
    }
    const next = restoreSecrets(req.body, ctx.options(), SECRET_PLACEHOLDER);
    try {
      const saved = await ctx.saveOptions(next);
      return redactSecrets(saved, SECRET_PLACEHOLDER);
    } catch (err) {
      return reply.code(400).send({ error: (err as Error).message });
    }
  });
}
