/** A web context for route and stream tests: a hub, a quiet log, default options, nothing else running. */
import { Writable } from 'node:stream';
import type { Hub } from '../../server/core/hub.ts';
import { createLogger } from '../../server/core/logger.ts';
import { optionsSchema } from '../../server/options/schema.ts';
import type { WebContext } from '../../server/web/context.ts';

export function testWebContext(hub: Hub, overrides: Partial<WebContext> = {}): WebContext {
  return {
    hub,
    log: createLogger('fatal', new Writable({ write: (_c, _e, cb) => cb() })),
    version: '0.1.0',
    startedAt: Date.now(),
    dataDir: '/tmp',
    broker: () => ({ source: 'embedded', url: 'mqtt://127.0.0.1:1883', connected: true, queued: 0, dropped: 0, published: 1 }),
    brokerLogin: () => undefined,
    stats: () => ({}),
    recentLogs: () => [],
    configErrors: () => [],
    options: () => optionsSchema.parse({}),
    saveOptions: async () => optionsSchema.parse({}),
    drivers: () => new Map(),
    removeDevice: (id) => hub.removeDevice(id),
    ...overrides,
  };
}
