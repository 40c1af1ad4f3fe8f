/**
 * Onboarding: find a device (serial ports, mDNS, meters that dialed in), test a
 * configuration without saving it, and save it into the options (applied live).
 */
import { readdir, realpath } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { SerialPort } from 'serialport';
import { Hub } from '../../core/hub.ts';
import { browseSmartEnergy } from '../../drivers/itron/discovery.ts';
import { isDlmsDriver, type PendingDlmsMeter } from '../../drivers/dlms/driver.ts';
import { isDlt645Driver, type PendingMeter as PendingDlt645Meter } from '../../drivers/dlt645/driver.ts';
import { definitionOf } from '../../drivers/registry.ts';
import type { ConnectionTestResult, Driver } from '../../drivers/types.ts';
import { describeZodError } from '../../options/errors.ts';
import { OptionsError } from '../../options/load.ts';
import { deviceSchemas, type DeviceListKey } from '../../options/schema.ts';
import type { WebContext } from '../context.ts';

/** Which options list a device of each kind is saved in. */
export const DEVICE_LISTS: Record<string, DeviceListKey> = {
  kostal: 'kostal',
  victron: 'victron',
  itron: 'itron_meters',
  xtender: 'xtender',
  dlt645: 'dlt645_meters',
  dlms: 'dlms_meters',
};

/** Fields that name the same physical device twice when equal. */
const IDENTITY_FIELDS = ['host', 'address', 'serial_port', 'portal_id', 'system_title', 'lfdi', 'id'];

export interface SerialPortEntry {
  path: string;
  /** A /dev/serial/by-id link: stable across reboots and re-plugging. */
  byId: boolean;
  target?: string;
  manufacturer?: string;
  serialNumber?: string;
}

export interface PendingMeter {
  kind: string;
  label: string;
  remote?: string;
  config: Record<string, unknown>;
}

export async function registerOnboardingRoutes(app: FastifyInstance, ctx: WebContext): Promise<void> {
  app.get('/api/onboarding/serial-ports', async () => listSerialPorts());

  app.get<{ Querystring: { seconds?: string } }>('/api/onboarding/mdns', async (req) => {
    const seconds = Math.min(10, Math.max(1, Number(req.query.seconds) || 3));
    return browseSmartEnergy(seconds * 1000);
  });

  app.get('/api/onboarding/pending', async () => pendingMeters(ctx));

  app.post<{ Body: unknown }>('/api/onboarding/test', async (req, reply) => {
    const parsed = parseDeviceBody(req.body);
    if ('error' in parsed) return reply.code(400).send({ error: parsed.error });
    return testConnection(ctx, parsed.kind, parsed.config);
  });

  app.post<{ Body: unknown }>('/api/onboarding/save', async (req, reply) => {
    const parsed = parseDeviceBody(req.body);
    if ('error' in parsed) return reply.code(400).send({ error: parsed.error });
    const listKey = DEVICE_LISTS[parsed.kind];
    const options = ctx.options();
    const list = options[listKey] as unknown[];
    const duplicate = list.findIndex((item) => sameDevice(item, parsed.config));
    if (duplicate >= 0) return reply.code(409).send({ error: `this device is already in the options as ${listKey}[${duplicate}]` });
    try {
      await ctx.saveOptions({ ...options, [listKey]: [...list, parsed.config] });
    } catch (err) {
      if (err instanceof OptionsError) return reply.code(400).send({ error: err.message });
      throw err;
    }
    ctx.log.info(`onboarding: added a ${parsed.kind} device as ${listKey}[${list.length}]`);
    return { saved: true, list: listKey, index: list.length };
  });
}

/** `{kind, config}` checked against that kind's options schema; the error names the field. */
function parseDeviceBody(body: unknown): { kind: string; config: Record<string, unknown> } | { error: string } {
  const { kind, config } = (body ?? {}) as { kind?: unknown; config?: unknown };
  if (typeof kind !== 'string' || !DEVICE_LISTS[kind]) return { error: `kind must be one of: ${Object.keys(DEVICE_LISTS).join(', ')}` };
  if (config === null || typeof config !== 'object' || Array.isArray(config))
    return { error: 'config must be an object with the device options' };
  const listKey = DEVICE_LISTS[kind];
  const result = deviceSchemas[listKey].safeParse(config);
  if (!result.success) return { error: describeZodError(result.error, listKey) };
  return { kind, config: config as Record<string, unknown> };
}

function sameDevice(item: unknown, config: Record<string, unknown>): boolean {
  if (item === null || typeof item !== 'object') return false;
  const existing = item as Record<string, unknown>;
  return IDENTITY_FIELDS.some((f) => config[f] !== undefined && config[f] !== '' && existing[f] === config[f]);
}

/**
 * The running driver's test, or a fresh, unstarted one's when no device of that kind is
 * configured yet (its test opens and closes its own connection).
 */
async function testConnection(ctx: WebContext, kind: string, config: unknown): Promise<ConnectionTestResult> {
  let driver: Driver | undefined = ctx.drivers().get(kind);
  if (!driver?.testConnection) {
    const definition = definitionOf(kind);
    const createDriver = definition ? (await definition.load()).createDriver : undefined;
    driver = createDriver?.({
      hub: new Hub(),
      log: ctx.log.child({ driver: kind, onboarding: true }),
      options: ctx.options(),
      dataDir: ctx.dataDir,
      reportConfigError: () => undefined,
    });
  }
  if (!driver?.testConnection)
    return { ok: false, message: `testing a ${kind} connection is not supported by this version; save the device and watch its status` };
  try {
    return await driver.testConnection(config);
  } catch (err) {
    return { ok: false, message: (err as Error).message };
  }
}

/** /dev/serial/by-id links first (they survive reboots), then the other ports. */
export async function listSerialPorts(byIdDir = '/dev/serial/by-id'): Promise<SerialPortEntry[]> {
  const out: SerialPortEntry[] = [];
  const covered = new Set<string>();
  try {
    for (const name of (await readdir(byIdDir)).sort()) {
      const link = path.join(byIdDir, name);
      const target = await realpath(link).catch(() => undefined);
      if (target) covered.add(target);
      out.push({ path: link, byId: true, target });
    }
  } catch {
    // No USB serial adapters plugged in: the folder does not exist.
  }
  let listed: Awaited<ReturnType<typeof SerialPort.list>> = [];
  try {
    listed = await SerialPort.list();
  } catch {
    // Listing needs udev/sysfs; without it only the by-id links are offered.
  }
  for (const p of listed) {
    const byId = out.find((e) => e.target === p.path);
    if (byId) {
      byId.manufacturer = p.manufacturer;
      byId.serialNumber = p.serialNumber;
      continue;
    }
    if (covered.has(p.path)) continue;
    out.push({ path: p.path, byId: false, manufacturer: p.manufacturer, serialNumber: p.serialNumber });
  }
  return out;
}

/** Meters that dialed in to the DL/T 645 or DLMS listener and are not adopted yet. */
export function pendingMeters(ctx: WebContext): PendingMeter[] {
  const drivers = ctx.drivers();
  const dlt645 = drivers.get('dlt645');
  const dlms = drivers.get('dlms');
  return [
    ...(isDlt645Driver(dlt645) ? dlt645.pendingMeters().map(pendingDlt645Meter) : []),
    ...(isDlmsDriver(dlms) ? dlms.pendingMeters().map(pendingDlmsMeter) : []),
  ];
}

function pendingDlt645Meter(m: PendingDlt645Meter): PendingMeter {
  return { kind: 'dlt645', label: m.address, remote: m.ip, config: { address: m.address } };
}

/** Adopted as a push meter with its system title; the user adds its keys. */
function pendingDlmsMeter(m: PendingDlmsMeter): PendingMeter {
  return { kind: 'dlms', label: m.systemTitle, remote: m.ip, config: { mode: 'push', system_title: m.systemTitle } };
}
