/** Recent logs, options problems and the diagnostics bundle a user attaches to an issue. */
import * as z from 'zod';
import type { RoutePlugin } from '../api.ts';
import type { WebContext } from '../context.ts';
import { redactSecrets } from '../secrets.ts';
import { logLineView } from '../statusView.ts';

export const diagnosticsRoutes: RoutePlugin = async (app, { ctx }) => {
  app.get('/api/logs', { schema: { response: { 200: z.array(logLineView) } } }, async () => ctx.recentLogs());

  app.get('/api/diagnostics/bundle', async (_req, reply) => {
    const now = new Date();
    const stamp = now.toISOString().replace(/[:.]/g, '-');
    reply
      .header('Content-Type', 'application/json; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="wattwire-diagnostics-${stamp}.json"`)
      .header('Cache-Control', 'no-store');
    return JSON.stringify(diagnosticsBundle(ctx, now), null, 2);
  });
};

/** Everything that helps to understand a problem, with every secret redacted. */
export function diagnosticsBundle(ctx: WebContext, now: Date = new Date()): Record<string, unknown> {
  const drivers: Record<string, unknown> = {};
  for (const [kind, driver] of ctx.drivers()) drivers[kind] = safely(() => driver.diagnostics?.() ?? {});
  return redactSecrets({
    createdAt: now.toISOString(),
    version: ctx.version,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    health: { status: 'ok', version: ctx.version, uptime: now.getTime() - ctx.startedAt, broker: safely(() => ctx.broker()) },
    stats: safely(() => ctx.stats()),
    options: ctx.options(),
    configErrors: ctx.configErrors(),
    drivers,
    devices: ctx.hub.list().map((rec) => ({
      ...rec.info,
      status: rec.status,
      state: rec.state,
      updated: rec.updated,
      registers: rec.registers.map((r) => r.key),
      diagnostics: rec.diagnostics,
    })),
    logs: ctx.recentLogs(),
  });
}

/** One failing part must not cost the whole bundle. */
function safely(fn: () => unknown): unknown {
  try {
    return fn();
  } catch (err) {
    return { error: (err as Error).message };
  }
}
