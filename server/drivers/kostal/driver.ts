/**
 * Kostal PIKO inverters: the classic `index.fhtml` page (Basic auth) or the `dxs.json`
 * API, detected automatically. One session per `kostal` option entry.
 */
import { validDeviceItems } from '../../options/deviceItems.ts';
import { describeZodError } from '../../options/errors.ts';
import type { ConnectionTestResult, Driver, DriverContext } from '../types.ts';
import { UnreachableError } from './http.ts';
import { InverterClient } from './inverterClient.ts';
import { InverterSession, deviceIdFor, targetOf } from './inverterSession.ts';
import { kostalInverter } from './options.ts';

export function createKostalDriver(ctx: DriverContext): Driver {
  const sessions: InverterSession[] = [];
  return {
    kind: 'kostal',
    async start() {
      const hosts = new Set<string>();
      for (const { index, config } of validDeviceItems(ctx, 'kostal')) {
        if (hosts.has(config.host)) {
          ctx.reportConfigError(`kostal[${index}]`, `host ${config.host} is listed twice; the first entry is used`);
          continue;
        }
        hosts.add(config.host);
        const session = new InverterSession(config, { hub: ctx.hub, log: ctx.log, dataDir: ctx.dataDir });
        sessions.push(session);
        session.start();
      }
    },
    async stop() {
      for (const s of sessions) s.stop();
    },
    diagnostics() {
      return { inverters: sessions.map((s) => ({ host: s.config.host, device: s.deviceId ?? null })) };
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
