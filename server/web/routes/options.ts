/** The add-on options for the UI: secrets go out as a placeholder and come back as stored. */
import type { FastifyInstance } from 'fastify';
import type { WebContext } from '../context.ts';
import { OptionsError } from '../../options/load.ts';
import { redactSecrets, restoreSecrets, SecretRestoreError } from '../secrets.ts';

/** Stands for a stored secret; sending it back keeps the stored value. */
export const SECRET_PLACEHOLDER = '********';

export async function registerOptionsRoutes(app: FastifyInstance, ctx: WebContext): Promise<void> {
  app.get('/api/options', async () => redactSecrets(ctx.options(), SECRET_PLACEHOLDER));

  app.put('/api/options', async (req, reply) => {
    if (req.body === null || typeof req.body !== 'object' || Array.isArray(req.body)) {
      return reply.code(400).send({ error: 'the options must be a JSON object' });
    }
    try {
      const next = restoreSecrets(req.body, ctx.options(), SECRET_PLACEHOLDER);
      const saved = await ctx.saveOptions(next);
      return redactSecrets(saved, SECRET_PLACEHOLDER);
    } catch (err) {
      // Anything else (a disk or Supervisor failure) is the error handler's: logged, generic.
      if (err instanceof SecretRestoreError || err instanceof OptionsError) return reply.code(400).send({ error: err.message });
      throw err;
    }
  });
}
