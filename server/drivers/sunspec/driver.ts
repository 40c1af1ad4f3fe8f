/**
 * SunSpec over Modbus TCP: one session per `sunspec` option entry, one TCP connection per
 * address and port, shared by the devices behind it (each its own unit id) and asked one
 * request at a time.
 */
import { SessionBoundary } from '../../core/sessionBoundary.ts';
import { decodeModel } from '../../protocols/sunspec/block.ts';
import { findBase, readSpan, walkChain } from '../../protocols/sunspec/chain.ts';
import { modelDef } from '../../protocols/sunspec/definitions.ts';
import { describeZodError } from '../../options/errors.ts';
import { devicesOf } from '../definition.ts';
import type { ConnectionTestResult, Driver, DriverContext } from '../types.ts';
import { sunspecDefinition } from './definition.ts';
import { ModbusExceptionError, ModbusLink, UnreachableError } from './modbusLink.ts';
import { type SunSpecDevice, sunspecDevice, sunspecListedKey } from './options.ts';
import { deviceIdFor, identityOf } from './identity.ts';
import { DeviceSession } from './session.ts';

/** One device's session and the boundary that replaces it with a fresh one after an internal error. */
interface Guarded {
  readonly session: DeviceSession;
  readonly boundary: SessionBoundary;
}

export interface SunSpecDriverOptions {
  /** Overrides every device's poll_interval (tests). */
  intervalMs?: number;
}

export function createSunSpecDriver(ctx: DriverContext, opts: SunSpecDriverOptions = {}): Driver {
  const guarded: Guarded[] = [];
  const links = new Map<string, ModbusLink>();
  const linkFor = (config: SunSpecDevice): ModbusLink => {
    const key = `${config.host}:${config.port}`;
    let link = links.get(key);
    if (!link) {
      link = new ModbusLink(config.host, config.port);
      links.set(key, link);
    }
    return link;
  };
  const guard = (config: SunSpecDevice): Guarded => {
    let session: DeviceSession;
    const log = ctx.log.child({ device: config.name ?? `${config.host}#${config.unit_id}` });
    const boundary: SessionBoundary = new SessionBoundary({
      hub: ctx.hub,
      log,
      describe: () => `SunSpec device ${config.host}:${config.port} unit ${config.unit_id}`,
      devices: () => (session.deviceId ? [session.deviceId] : []),
      halt: () => session.stop(),
      restart: () => {
        session = create();
        session.start();
      },
    });
    const create = () =>
      new DeviceSession(config, { hub: ctx.hub, log, link: linkFor(config), dataDir: ctx.dataDir, boundary, intervalMs: opts.intervalMs });
    session = create();
    return {
      boundary,
      get session() {
        return session;
      },
    };
  };
  return {
    kind: 'sunspec',
    async start() {
      const listed = new Set<string>();
      for (const { index, config } of devicesOf(ctx, sunspecDefinition)) {
        const key = sunspecListedKey({ ...config, id: undefined });
        if (listed.has(key)) {
          ctx.reportConfigError(
            `sunspec[${index}]`,
            `${config.host}:${config.port} unit ${config.unit_id} is listed twice; the first entry is used`,
          );
          continue;
        }
        listed.add(key);
        const slot = guard(config);
        guarded.push(slot);
        slot.session.start();
      }
    },
    async stop() {
      for (const { boundary } of guarded) boundary.dispose();
      await Promise.all(guarded.map(({ session }) => session.stop()));
      await Promise.all([...links.values()].map((l) => l.close()));
    },
    diagnostics() {
      return {
        devices: guarded.map(({ session: s }) => ({
          host: s.config.host,
          port: s.config.port,
          unitId: s.config.unit_id,
          device: s.deviceId ?? null,
          ...s.pollCost,
        })),
        connections: [...links.values()].map((l) => ({ address: l.label, ...l.stats })),
      };
    },
    // A device that takes one connection only is asked over the connection the driver already has.
    testConnection: (config) => testConnection(config, links),
  };
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
