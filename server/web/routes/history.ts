/**
 * GET api/devices/:id/history?key=…: the last 24 hours of a numeric value, one bucket per
 * five minutes, `bucketMs` saying so (the device page's charts). The store lives as long as
 * the web server: it is filled from the hub, restored from the data directory and saved there
 * every few minutes and when the server closes.
 */
import * as z from 'zod';
import { BUCKET_MS, HistoryStore, MAX_SERIES } from '../../core/history.ts';
import { loadHistory, saveHistory } from '../../core/historyFile.ts';
import { RepeatedWarnings } from '../../core/repeatedWarnings.ts';
import type { RoutePlugin } from '../api.ts';
import { NotFoundError } from '../httpErrors.ts';

const SAVE_EVERY_MS = 5 * 60_000;

const column = z.array(z.number());
const historySchema = {
  params: z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, { error: 'is not a device id' }) }),
  querystring: z.object({ key: z.string().regex(/^[A-Za-z0-9_]{1,128}$/, { error: 'is not a register key' }) }),
  response: {
    200: z
      .object({
        key: z.string(),
        unit: z.string().optional(),
        precision: z.number().int().optional(),
        bucketMs: z.number().int(),
        t: column,
        min: column,
        max: column,
        last: column,
      })
      .strict(),
  },
};

export const historyRoutes: RoutePlugin = async (app, { ctx }) => {
  // Every reading of a value beyond the cap is refused: one line, then a summary a minute.
  const full = new RepeatedWarnings(ctx.log);
  const store = new HistoryStore(Date.now, MAX_SERIES, (device, key) =>
    full.warn('history', `history: ${MAX_SERIES} values are kept already; ${device} ${key} has no chart`),
  );
  try {
    await loadHistory(ctx.dataDir, store);
  } catch (err) {
    ctx.log.warn(`history: ${(err as Error).message}`);
  }
  const detach = store.attach(ctx.hub);
  const save = async () => {
    if (store.size === 0) return;
    await saveHistory(ctx.dataDir, store).catch((err: Error) => ctx.log.warn(`history: not saved: ${err.message}`));
  };
  const timer = setInterval(save, SAVE_EVERY_MS);
  timer.unref();
  app.addHook('onClose', async () => {
    clearInterval(timer);
    detach();
    full.stop();
    await save();
  });

  app.get('/api/devices/:id/history', { schema: historySchema }, async (req) => {
    const rec = ctx.hub.get(req.params.id);
    if (!rec) throw new NotFoundError(`Unknown device ${req.params.id}`);
    const reg = rec.registers.find((r) => r.key === req.query.key);
    if (!reg) throw new NotFoundError(`Unknown register "${req.query.key}" for device ${req.params.id}`);
    return { key: reg.key, unit: reg.unit, precision: reg.precision, bucketMs: BUCKET_MS, ...store.read(rec.info.id, reg.key) };
  });
};
