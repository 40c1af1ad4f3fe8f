/**
 * Kostal PIKO inverters: the classic `index.fhtml` page (Basic auth) or the `dxs.json`
 * API, detected automatically. One session per `kostal` option entry.
 */
import { SessionBoundary } from '../../core/sessionBoundary.ts';
import { describeZodError } from '../../options/errors.ts';
import { devicesOf } from '../definition.ts';
import type { ConnectionTestResult, Driver, DriverContext } from '../types.ts';
import { UnreachableError } from './http.ts';
import { InverterClient } from './inverterClient.ts';
import { InverterSession, deviceIdFor, targetOf } from './inverterSession.ts';
import { type KostalInverter, kostalInverter } from './options.ts';
import { kostalDefinition } from './definition.ts';

/** One inverter's session and the boundary that replaces it with a fresh one after an internal error. */
interface Guarded {
  readonly session: InverterSession;
  boundary: SessionBoundary;
}

export function createKostalDriver(ctx: DriverContext): Driver {
  const guarded: Guarded[] = [];
  const guard = (config: KostalInverter): Guarded => {
    let session: InverterSession;
    const log = ctx.log.child({ device: config.name ?? config.host });
    const boundary: SessionBoundary = new SessionBoundary({
      hub: ctx.hub,
      log,
      describe: () => `Kostal inverter ${config.host}`,
      devices: () => (session.deviceId ? [session.deviceId] : []),
      halt: () => session.stop(),
      restart: () => {
        session = create();
        session.start();
      },
    });
    const create = () => new InverterSession(config, { hub: ctx.hub, log, dataDir: ctx.dataDir, boundary });
    session = create();
    return {
      boundary,
      get session() {
        return session;
      },
    };
  };
  return {
    kind: 'kostal',
    async start() {
      const hosts = new Set<string>();
      for (const { index, config } of devicesOf(ctx, kostalDefinition)) {
        if (hosts.has(config.host)) {
          ctx.reportConfigError(`kostal[${index}]`, `host ${config.host} is listed twice; the first entry is used`);
          continue;
        }
        hosts.add(config.host);
        const slot = guard(config);
        guarded.push(slot);
        slot.session.start();
      }
    },
    async stop() {
      for (const { session, boundary } of guarded) {
        boundary.dispose();
        session.stop();
      }
    },
    diagnostics() {
      return { inverters: guarded.map(({ session: s }) => ({ host: s.config.host, device: s.deviceId ?? null })) };
    },
    testConnection,
  };
}

/** Onboarding: detect the interface, read the identity and one snapshot. */
export async function testConnection(config: unknown): Promise<ConnectionTestResult> {
  const parsed = kostalInverter.safeParse(config);
  if (!parsed.success) return { ok: false, message: describeZodError(parsed.error, 'kostal') };
  const cfg = parsed.data;
  try {
    const client = await InverterClient.connect(targetOf(cfg), cfg.generation);
    const snapshot = await client.read();
    const identity = await client.identity();
    const what = snapshot.placeholders
      ? 'is off (night page)'
      : `shows ${snapshot.acPowerW ?? '?'} W, status "${snapshot.statusText ?? '?'}"`;
    return {
      ok: true,
      message: `${identity.model ?? 'Kostal PIKO'} (${client.generation === 'dxs' ? 'DXS API' : 'classic web page'}) ${what}`,
      details: { serial: identity.serial, model: identity.model, generation: client.generation, deviceId: deviceIdFor(cfg, identity) },
    };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof UnreachableError) {
      return { ok: false, message: `${message}; an inverter is switched off at night, so try again in daylight` };
    }
    return { ok: false, message };
  }
}
