/**
 * Kostal PIKO inverters: the classic `index.fhtml` page (Basic auth) or the `dxs.json`
 * API, detected automatically. One session per `kostal` option entry.
 */
import type { Logger } from '../../core/logger.ts';
import type { SessionBoundary } from '../../core/sessionBoundary.ts';
import { type DeviceItem, firstOfEach } from '../../options/deviceItems.ts';
import { describeZodError } from '../../options/errors.ts';
import { devicesOf } from '../definition.ts';
import { SessionDriver } from '../sessionDriver.ts';
import type { ConnectionTestResult, Driver, DriverContext, DriverDiagnostics } from '../types.ts';
import { UnreachableError } from './http.ts';
import { InverterClient } from './inverterClient.ts';
import { InverterSession, deviceIdFor, targetOf } from './inverterSession.ts';
import { type KostalInverter, kostalInverter } from './options.ts';
import { kostalDefinition } from './definition.ts';

export function createKostalDriver(ctx: DriverContext): Driver {
  return new KostalDriver(ctx);
}

class KostalDriver extends SessionDriver<KostalInverter, InverterSession> {
  readonly kind = 'kostal';

  protected entries(): DeviceItem<KostalInverter>[] {
    return firstOfEach(
      devicesOf(this.ctx, kostalDefinition),
      (c) => c.host,
      ({ index, config }) => this.ctx.reportConfigError(`kostal[${index}]`, `host ${config.host} is listed twice; the first entry is used`),
    );
  }

  protected logName({ config }: DeviceItem<KostalInverter>): string {
    return config.name ?? config.host;
  }

  protected describe({ config }: DeviceItem<KostalInverter>): string {
    return `Kostal inverter ${config.host}`;
  }

  protected createSession({ config }: DeviceItem<KostalInverter>, log: Logger, boundary: SessionBoundary): InverterSession {
    return new InverterSession(config, { hub: this.ctx.hub, log, dataDir: this.ctx.dataDir, boundary });
  }

  diagnostics(): DriverDiagnostics {
    return { inverters: this.sessions().map((s) => ({ host: s.config.host, device: s.deviceId ?? null })) };
  }

  testConnection(config: unknown): Promise<ConnectionTestResult> {
    return testConnection(config);
  }
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
