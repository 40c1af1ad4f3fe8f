/** The core API: health, statistics, the devices in the hub, reading and writing them now. */
import * as z from 'zod';
import { deviceCounts } from '../../core/deviceCounts.ts';
import type { RoutePlugin } from '../api.ts';
import { deviceView, deviceViewSchema } from '../deviceView.ts';
import { NotFoundError } from '../httpErrors.ts';
import { healthView } from '../statusView.ts';

const deviceParams = z.object({ id: z.string().min(1) });
const readBody = z.object({
  keys: z.array(z.string(), { error: 'must be a list of register keys' }).min(1, { error: 'name at least one register' }),
});
const writeBody = z.object({
  key: z.string(),
  value: z.union([z.number(), z.string(), z.boolean()], { error: 'must be a number, text or true/false' }),
});
const registerValue = z.union([z.number(), z.string(), z.boolean(), z.null()]);
const readAnswer = z.object({
  readings: z.array(z.object({ key: z.string(), value: registerValue, unit: z.string().nullable(), error: z.string().optional() })),
});

export const deviceRoutes: RoutePlugin = async (app, { ctx }) => {
  app.get('/api/health', { schema: { response: { 200: healthView } } }, async () => ({
    status: 'ok' as const,
    version: ctx.version,
    uptime: Date.now() - ctx.startedAt,
    broker: ctx.broker(),
    configErrors: ctx.configErrors(),
    devices: deviceCounts(ctx.hub.list()),
  }));
  app.get('/api/stats', { schema: { response: { 200: z.record(z.string(), z.unknown()) } } }, async () => ctx.stats());
  app.get('/api/devices', { schema: { response: { 200: z.array(deviceViewSchema) } } }, async () => ctx.hub.list().map(deviceView));

  app.get('/api/devices/:id', { schema: { params: deviceParams, response: { 200: deviceViewSchema } } }, async (req) => {
    const rec = ctx.hub.get(req.params.id);
    if (!rec) throw new NotFoundError(`Unknown device ${req.params.id}`);
    return deviceView(rec);
  });

  app.delete(
    '/api/devices/:id',
    { schema: { params: deviceParams, response: { 200: z.object({ removed: z.literal(true) }) } } },
    async (req) => {
      if (!(await ctx.removeDevice(req.params.id))) throw new NotFoundError(`Unknown device ${req.params.id}`);
      return { removed: true as const };
    },
  );

  app.post('/api/devices/:id/read', { schema: { params: deviceParams, body: readBody, response: { 200: readAnswer } } }, async (req) => {
    const readings = await ctx.hub.read(req.params.id, req.body.keys);
    return {
      readings: readings.map((r) => ({
        key: r.register.key,
        value: r.value,
        unit: r.register.unit ?? null,
        ...(r.error !== undefined ? { error: r.error } : {}),
      })),
    };
  });

  app.post(
    '/api/devices/:id/write',
    { schema: { params: deviceParams, body: writeBody, response: { 200: z.object({ value: registerValue }) } } },
    async (req) => ({ value: await ctx.hub.write(req.params.id, req.body.key, req.body.value) }),
  );
};
