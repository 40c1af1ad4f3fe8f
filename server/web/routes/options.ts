/** The add-on options for the UI: secrets go out as a placeholder and come back as stored. */
import * as z from 'zod';
import type { RoutePlugin } from '../api.ts';
import { redactSecrets, restoreSecrets } from '../secrets.ts';

/** Stands for a stored secret; sending it back keeps the stored value. */
export const SECRET_PLACEHOLDER = '********';

/**
 * Only the outline is checked here: the options schema itself runs on the body once the
 * placeholders are replaced by the stored secrets (`saveOptions`), naming every wrong field.
 */
const optionsBody = z.record(z.string(), z.unknown(), { error: 'the options must be a JSON object' });
/** The options with every secret replaced by the placeholder. */
const redactedOptions = z.record(z.string(), z.unknown());

export const optionsRoutes: RoutePlugin = async (app, { ctx }) => {
  app.get('/api/options', { schema: { response: { 200: redactedOptions } } }, async () => redactSecrets(ctx.options(), SECRET_PLACEHOLDER));

  // SecretRestoreError and OptionsError are refusals (400); anything else (a disk or
  // Supervisor failure) is logged and answered generically by the error handler.
  app.put('/api/options', { schema: { body: optionsBody, response: { 200: redactedOptions } } }, async (req) => {
    const next = restoreSecrets(req.body, ctx.options(), SECRET_PLACEHOLDER);
    return redactSecrets(await ctx.saveOptions(next), SECRET_PLACEHOLDER);
  });
};
