/**
 * SunSpec over Modbus TCP: one session per `sunspec` option entry, one TCP connection per
 * address and port, shared by the devices behind it (each its own unit id) and asked one
 * request at a time.
 */
import type { Logger } from '../../core/logger.ts';
import type { SessionBoundary } from '../../core/sessionBoundary.ts';
import { type DeviceItem, firstOfEach } from '../../options/deviceItems.ts';
import { decodeModel } from '../../protocols/sunspec/block.ts';
import { findBase, readSpan, walkChain } from '../../protocols/sunspec/chain.ts';
import { modelDef } from '../../protocols/sunspec/definitions.ts';
import { describeZodError } from '../../options/errors.ts';
import { devicesOf } from '../definition.ts';
import { SessionDriver } from '../sessionDriver.ts';
import type { ConnectionTestResult, Driver, DriverContext, DriverDiagnostics } from '../types.ts';
import { sunspecDefinition } from './definition.ts';
import { ModbusExceptionError, ModbusLink, UnreachableError } from './modbusLink.ts';
import { type SunSpecDevice, sunspecDevice, sunspecListedKey } from './options.ts';
import { deviceIdFor, identityOf } from './identity.ts';
import { DeviceSession } from './session.ts';

export interface SunSpecDriverOptions {
  /** Overrides every device's poll_interval (tests). */
  intervalMs?: number;
}

export function createSunSpecDriver(ctx: DriverContext, opts: SunSpecDriverOptions = {}): Driver {
  return new SunSpecDriver(ctx, opts);
}

class SunSpecDriver extends SessionDriver<SunSpecDevice, DeviceSession> {
  readonly kind = 'sunspec';
  /** One connection per address and port, shared by the unit ids behind it. */
  private readonly links = new Map<string, ModbusLink>();

  constructor(
    ctx: DriverContext,
    private readonly opts: SunSpecDriverOptions,
  ) {
    super(ctx);
  }

  protected entries(): DeviceItem<SunSpecDevice>[] {
    return firstOfEach(
      devicesOf(this.ctx, sunspecDefinition),
      (c) => sunspecListedKey({ ...c, id: undefined }),
      ({ index, config }) =>
        this.ctx.reportConfigError(
          `sunspec[${index}]`,
          `${config.host}:${config.port} unit ${config.unit_id} is listed twice; the first entry is used`,
        ),
    );
  }

  protected logName({ config }: DeviceItem<SunSpecDevice>): string {
    return config.name ?? `${config.host}#${config.unit_id}`;
  }

  protected describe({ config }: DeviceItem<SunSpecDevice>): string {
    return `SunSpec device ${config.host}:${config.port} unit ${config.unit_id}`;
  }

  protected createSession({ config }: DeviceItem<SunSpecDevice>, log: Logger, boundary: SessionBoundary): DeviceSession {
    const { ctx, opts } = this;
    return new DeviceSession(config, {
      hub: ctx.hub,
      log,
      link: this.linkFor(config),
      dataDir: ctx.dataDir,
      boundary,
      intervalMs: opts.intervalMs,
    });
  }

  /** Sessions are told to stop first, then their connections close, which ends a request in flight at once. */
  override async stop(): Promise<void> {
    const links = [...this.links.values()];
    this.links.clear();
    const sessions = super.stop();
    await Promise.all(links.map((l) => l.close()));
    await sessions;
  }

  diagnostics(): DriverDiagnostics {
    return {
      devices: this.sessions().map((s) => ({
        host: s.config.host,
        port: s.config.port,
        unitId: s.config.unit_id,
        device: s.deviceId ?? null,
        ...s.pollCost,
      })),
      connections: [...this.links.values()].map((l) => ({ address: l.label, ...l.stats })),
    };
  }

  /** A device that takes one connection only is asked over the connection the driver already has. */
  testConnection(config: unknown): Promise<ConnectionTestResult> {
    return testConnection(config, this.links);
  }

  private linkFor(config: SunSpecDevice): ModbusLink {
    const key = `${config.host}:${config.port}`;
    let link = this.links.get(key);
    if (!link) {
      link = new ModbusLink(config.host, config.port);
      this.links.set(key, link);
    }
    return link;
  }
}

/** Onboarding: find the marker and the models, and name the device from model 1. */
export async function testConnection(config: unknown, links?: ReadonlyMap<string, ModbusLink>): Promise<ConnectionTestResult> {
  const parsed = sunspecDevice.safeParse(config);
  if (!parsed.success) return { ok: false, message: describeZodError(parsed.error, 'sunspec') };
  const cfg = parsed.data;
  const shared = links?.get(`${cfg.host}:${cfg.port}`);
  const link = shared ?? new ModbusLink(cfg.host, cfg.port);
  const read = (address: number, count: number) => link.read(cfg.unit_id, address, count, cfg.timeout * 1000);
  try {
    const base = await findBase(read, (err) => err instanceof ModbusExceptionError);
    const chain = await walkChain(read, base);
    const common = chain.models[0];
    const identity = identityOf(decodeModel(modelDef(1)!, await readSpan(read, common.address, common.length + 2)));
    const models = chain.models.map((m) => m.id);
    const name = [identity.manufacturer, identity.model].filter(Boolean).join(' ') || 'SunSpec device';
    return {
      ok: true,
      message: `${name}, serial ${identity.serial ?? 'unknown'}: models ${models.join(', ')} at ${base}`,
      details: { ...identity, baseAddress: base, models, deviceId: deviceIdFor(cfg, identity) },
    };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof UnreachableError)
      return { ok: false, message: `${message}; an inverter is switched off at night, so try again in daylight` };
    return { ok: false, message };
  } finally {
    if (!shared) await link.close();
  }
}
