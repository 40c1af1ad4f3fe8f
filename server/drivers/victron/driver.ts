/**
 * Victron GX systems over their MQTT interface (dbus-mqtt or dbus-flashmq), on the LAN or
 * through the VRM cloud broker. One session per configured system.
 */
import mqtt from 'mqtt';
import type { Logger } from '../../core/logger.ts';
import type { SessionBoundary } from '../../core/sessionBoundary.ts';
import type { DeviceItem } from '../../options/deviceItems.ts';
import { describeZodError } from '../../options/errors.ts';
import { notificationFilter, parseNotification, serialDiscoveryFilter } from '../../protocols/victron/topic.ts';
import { devicesOf } from '../definition.ts';
import { SessionDriver } from '../sessionDriver.ts';
import type { ConnectionTestResult, Driver, DriverContext, DriverDiagnostics } from '../types.ts';
import { gxEndpoint } from './connection.ts';
import { type VictronSystem, victronSystem } from './options.ts';
import { DEFAULT_TIMING, GxSession, type VictronTiming } from './session.ts';
import { victronDefinition } from './definition.ts';

const TEST_TIMEOUT_MS = 10_000;

/** `timing` is for tests and benchmarks (scaled-down keep-alive); the add-on uses the defaults. */
export function createVictronDriver(ctx: DriverContext, timing: Partial<VictronTiming> = {}): Driver {
  return new VictronDriver(ctx, { ...DEFAULT_TIMING, ...timing });
}

/** A GX with its devices is one session: a throw in it faults them all and a fresh session replaces it. */
class VictronDriver extends SessionDriver<VictronSystem, GxSession> {
  readonly kind = 'victron';

  constructor(
    ctx: DriverContext,
    private readonly timing: VictronTiming,
  ) {
    super(ctx);
  }

  protected entries(): DeviceItem<VictronSystem>[] {
    return devicesOf(this.ctx, victronDefinition);
  }

  protected logName({ index, config }: DeviceItem<VictronSystem>): string {
    return config.name ?? config.host ?? `victron[${index}]`;
  }

  protected describe(entry: DeviceItem<VictronSystem>): string {
    return `Victron GX ${this.logName(entry)}`;
  }

  protected createSession({ index, config }: DeviceItem<VictronSystem>, log: Logger, boundary: SessionBoundary): GxSession {
    return new GxSession(this.ctx.hub, log, config, `victron[${index}]`, this.timing, boundary);
  }

  diagnostics(): DriverDiagnostics {
    return { systems: this.sessions().map((s) => s.diagnostics()) };
  }

  testConnection(config: unknown): Promise<ConnectionTestResult> {
    return testConnection(config);
  }
}

/** Connect once and wait for the GX's retained serial: proves address, credentials and portal id. */
async function testConnection(raw: unknown): Promise<ConnectionTestResult> {
  const parsed = victronSystem.safeParse(raw);
  if (!parsed.success) return { ok: false, message: describeZodError(parsed.error, 'victron') };
  const config = parsed.data;
  const endpoint = gxEndpoint(config, 0);
  const prefix = config.topic_prefix ?? '';
  const client = mqtt.connect(endpoint.url, { ...endpoint.options, reconnectPeriod: 0 });
  try {
    return await new Promise<ConnectionTestResult>((resolve) => {
      const timer = setTimeout(
        () => resolve({ ok: false, message: `no answer from ${endpoint.describe} within ${TEST_TIMEOUT_MS / 1000} s` }),
        TEST_TIMEOUT_MS,
      );
      const done = (result: ConnectionTestResult) => {
        clearTimeout(timer);
        resolve(result);
      };
      client.on('error', (err) => done({ ok: false, message: `${endpoint.describe}: ${err.message}` }));
      client.on('connect', () => {
        client.subscribe(config.portal_id ? notificationFilter(config.portal_id.toLowerCase(), prefix) : serialDiscoveryFilter(prefix));
      });
      client.on('message', (topic) => {
        const note = parseNotification(topic, prefix);
        if (note?.kind === 'value' && note.path === 'Serial') {
          done({ ok: true, message: `GX ${note.portalId} reachable at ${endpoint.describe}`, details: { portalId: note.portalId } });
        }
      });
    });
  } finally {
    await client.endAsync(true).catch(() => undefined);
  }
}
