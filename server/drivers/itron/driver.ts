/**
 * Itron Gen5 Riva meters over IEEE 2030.5 (`itron_meters`): one session per meter, each
 * with its own kept-alive TLS connection, all sharing the bridge's client certificate.
 */
import { loadClientCredentials } from '../../certs/store.ts';
import type { Logger } from '../../core/logger.ts';
import type { SessionBoundary } from '../../core/sessionBoundary.ts';
import type { DeviceItem } from '../../options/deviceItems.ts';
import { DEFAULT_METER_PORT } from '../../protocols/ieee2030_5/dnssd.ts';
import { describeZodError } from '../../options/errors.ts';
import { devicesOf } from '../definition.ts';
import { SessionDriver } from '../sessionDriver.ts';
import type { ConnectionTestResult, Driver, DriverContext, DriverDiagnostics } from '../types.ts';
import { MeterError } from './diagnosis.ts';
import { findMeterByLfdi } from './discovery.ts';
import { fetchAs } from './layout.ts';
import { MeterClient } from './meterClient.ts';
import { MeterSession } from './meterSession.ts';
import { type ItronMeter, itronMeter } from './options.ts';
import { itronDefinition } from './definition.ts';

export function createItronDriver(ctx: DriverContext): Driver {
  return new ItronDriver(ctx);
}

class ItronDriver extends SessionDriver<ItronMeter, MeterSession> {
  readonly kind = 'itron';

  protected entries(): DeviceItem<ItronMeter>[] {
    return devicesOf(this.ctx, itronDefinition);
  }

  protected logName({ index, config }: DeviceItem<ItronMeter>): string {
    return config.name ?? `itron_meters[${index}]`;
  }

  protected describe({ index }: DeviceItem<ItronMeter>): string {
    return `Itron meter itron_meters[${index}]`;
  }

  protected createSession({ index, config }: DeviceItem<ItronMeter>, log: Logger, boundary: SessionBoundary): MeterSession {
    return new MeterSession({ ...this.ctx, log }, config, index, boundary);
  }

  diagnostics(): DriverDiagnostics {
    return { meters: this.sessions().map((s) => s.diagnostics()) };
  }

  testConnection(config: unknown): Promise<ConnectionTestResult> {
    return testConnection(this.ctx, config);
  }
}

/** Onboarding: reach the meter with the stored certificate and read /sdev/sdi. */
async function testConnection(ctx: DriverContext, raw: unknown): Promise<ConnectionTestResult> {
  const parsed = itronMeter.safeParse(raw);
  if (!parsed.success) return { ok: false, message: describeZodError(parsed.error, 'itron meter') };
  const config = parsed.data;
  const creds = await loadClientCredentials(ctx.dataDir);
  if (!creds) return { ok: false, message: 'No client certificate yet: generate or import one first', details: { code: 'no_certificate' } };
  let host = config.host;
  let port = config.port ?? DEFAULT_METER_PORT;
  if (!host && config.lfdi) {
    const found = await findMeterByLfdi(config.lfdi, 5000);
    if (found) {
      host = found.host;
      port = config.port ?? found.port;
    }
  }
  if (!host) return { ok: false, message: 'Give the meter host (or an LFDI that answers on mDNS)', details: { code: 'unreachable' } };
  const client = new MeterClient({ host, port, certPem: creds.certPem, keyPem: creds.keyPem, timeoutMs: config.timeout * 1000 });
  try {
    const sdi = await fetchAs(client, '/sdev/sdi', 'DeviceInformation');
    return {
      ok: true,
      message: `Connected to meter ${sdi.lfdi ?? '(no LFDI)'} at ${host}:${port}, software ${sdi.swVer ?? 'unknown'}`,
      details: {
        host,
        port,
        lfdi: sdi.lfdi,
        swVer: sdi.swVer,
        mfID: sdi.mfID,
        clientLfdi: creds.lfdi,
        handshakes: client.stats.handshakes,
      },
    };
  } catch (err) {
    const e = err instanceof MeterError ? err : new MeterError('http_error', (err as Error).message);
    return { ok: false, message: e.message, details: { code: e.code, host, port, clientLfdi: creds.lfdi } };
  } finally {
    client.close();
  }
}
