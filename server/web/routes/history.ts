/**
 * GET api/devices/:id/history?key=…: the last 24 hours of a numeric value, one bucket per
 * minute (the device page's charts). The store lives as long as the web server: it is
 * filled from the hub, restored from the data directory and saved there every few minutes
 * and when the server closes.
 */
import type { FastifyInstance } from 'fastify';
import { HistoryStore, MAX_SERIES } from '../../core/history.ts';
import { loadHistory, saveHistory } from '../../core/historyFile.ts';
import { RepeatedWarnings } from '../../core/repeatedWarnings.ts';
import type { WebContext } from '../context.ts';

const SAVE_EVERY_MS = 5 * 60_000;

const column = { type: 'array', items: { type: 'number' } } as const;
const historySchema = {
  params: {
    type: 'object',
    required: ['id'],
    properties: { id: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,128}$' } },
  },
  querystring: {
    type: 'object',
    required: ['key'],
    properties: { key: { type: 'string', pattern: '^[A-Za-z0-9_]{1,128}$' } },
  },
  response: {
    200: {
      type: 'object',
      required: ['key', 't', 'min', 'max', 'last'],
      additionalProperties: false,
      properties: {
        key: { type: 'string' },
        unit: { type: 'string' },
        precision: { type: 'integer' },
        t: column,
        min: column,
        max: column,
        last: column,
      },
    },
  },
} as const;

export async function registerHistoryRoutes(app: FastifyInstance, ctx: WebContext): Promise<void> {
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

  app.get<{ Params: { id: string }; Querystring: { key: string } }>(
    '/api/devices/:id/history',
    { schema: historySchema },
    async (req, reply) => {
      const rec = ctx.hub.get(req.params.id);
      if (!rec) return reply.code(404).send({ error: `Unknown device ${req.params.id}` });
      const reg = rec.registers.find((r) => r.key === req.query.key);
      if (!reg) return reply.code(404).send({ error: `Unknown register "${req.query.key}" for device ${req.params.id}` });
      return { key: reg.key, unit: reg.unit, precision: reg.precision, ...store.read(rec.info.id, reg.key) };
    },
  );
}
