/**
 * Onboarding: the kinds of device and the form each needs (from the driver definitions),
 * finding a device (serial ports, network scans, devices that dialed in), testing a
 * configuration without saving it, and saving it into the options (applied live).
 */
import * as z from 'zod';
import { Hub } from '../../core/hub.ts';
import type { DriverDefinition } from '../../drivers/definition.ts';
import { DEFINITIONS, definitionOf } from '../../drivers/registry.ts';
import type { ConnectionTestResult, Driver } from '../../drivers/types.ts';
import { describeZodError } from '../../options/errors.ts';
import type { RoutePlugin } from '../api.ts';
import type { WebContext } from '../context.ts';
import { BadRequestError, ConflictError } from '../httpErrors.ts';
import {
  type FoundDeviceView,
  foundDeviceView,
  type KindView,
  kindView,
  type ObjectSchema,
  type PendingDeviceView,
  pendingDeviceView,
  savedView,
  type SerialPortView,
  serialPortView,
  testResultView,
} from '../onboardingView.ts';

const ALL: readonly DriverDefinition[] = DEFINITIONS;
const KINDS = ALL.map((d) => d.kind);
const deviceBody = z.object({
  kind: z.string().refine((k) => definitionOf(k) !== undefined, { error: `must be one of: ${KINDS.join(', ')}` }),
  config: z.record(z.string(), z.unknown(), { error: 'must be an object with the device options' }),
});
const scanQuery = z.object({
  seconds: z.coerce
    .number()
    .catch(3)
    .transform((s) => Math.min(10, Math.max(1, s))),
  kind: z.string().optional(),
});

export const onboardingRoutes: RoutePlugin = async (app, { ctx }) => {
  let kinds: KindView[] | undefined;
  // A scan opens multicast sockets: requests while one runs share it instead of opening more.
  const scans = new Map<string, Promise<FoundDeviceView[]>>();
  const scan = (kind: string | undefined, milliseconds: number) => {
    const key = kind ?? '';
    let running = scans.get(key);
    if (!running) {
      const scanned = ALL.filter((d) => d.onboarding.scan && (!kind || d.kind === kind));
      running = Promise.all(scanned.map((d) => d.onboarding.scan?.(milliseconds) ?? [])).then((found) => found.flat());
      scans.set(key, running);
      void running.finally(() => scans.delete(key)).catch(() => undefined);
    }
    return running;
  };

  app.get('/api/onboarding/kinds', { schema: { response: { 200: z.array(kindView) } } }, async () => (kinds ??= ALL.map(kindOf)));

  app.get('/api/onboarding/serial-ports', { schema: { response: { 200: z.array(serialPortView) } } }, async () => listSerialPorts());

  app.get('/api/onboarding/mdns', { schema: { querystring: scanQuery, response: { 200: z.array(foundDeviceView) } } }, async (req) =>
    scan(req.query.kind, req.query.seconds * 1000),
  );

  app.get('/api/onboarding/pending', { schema: { response: { 200: z.array(pendingDeviceView) } } }, async () => pendingDevices(ctx));

  app.post('/api/onboarding/test', { schema: { body: deviceBody, response: { 200: testResultView } } }, async (req) => {
    const { definition, config } = checkedDevice(req.body);
    return testConnection(ctx, definition, config);
  });

  app.post('/api/onboarding/save', { schema: { body: deviceBody, response: { 200: savedView } } }, async (req) => {
    const { definition, config } = checkedDevice(req.body);
    const listKey = definition.devices.key;
    const options = ctx.options();
    const list = ((options as Record<string, unknown>)[listKey] ?? []) as unknown[];
    const duplicate = list.findIndex((item) => sameDevice(definition, item, config));
    if (duplicate >= 0) throw new ConflictError(`this device is already in the options as ${listKey}[${duplicate}]`);
    await ctx.saveOptions({ ...options, [listKey]: [...list, config] });
    ctx.log.info(`onboarding: added a ${definition.kind} device as ${listKey}[${list.length}]`);
    return { saved: true as const, list: listKey, index: list.length };
  });
};

/** A kind as the wizard shows it; only the fields with a title are in its form. */
export function kindOf(definition: DriverDefinition): KindView {
  const { kind, label, blurb, onboarding } = definition;
  return {
    kind,
    label,
    blurb,
    discovery: [...onboarding.discovery],
    presets: (onboarding.presets ?? []).map((p) => ({ label: p.label, config: p.config })),
    // Refinements (cross-field checks) have no JSON Schema form; the server checks them on save.
    schema: z.toJSONSchema(definition.devices.item, { io: 'input', unrepresentable: 'any' }) as unknown as ObjectSchema,
  };
}

/** The body's config checked against its kind's options schema; the error names the field. */
function checkedDevice(body: { kind: string; config: Record<string, unknown> }): {
  definition: DriverDefinition;
  config: Record<string, unknown>;
} {
  const definition = definitionOf(body.kind);
  if (!definition) throw new BadRequestError(`must be one of: ${KINDS.join(', ')}`, 'kind');
  const result = definition.devices.item.safeParse(body.config);
  if (!result.success) throw new BadRequestError(describeZodError(result.error, definition.devices.key));
  return { definition, config: body.config };
}

/** Two entries are the same device when the fields that make it that device agree (its `listedKey`). */
function sameDevice(definition: DriverDefinition, item: unknown, config: Record<string, unknown>): boolean {
  const existing = definition.devices.item.safeParse(item);
  const added = definition.devices.item.safeParse(config);
  return existing.success && added.success && definition.listedKey(existing.data) === definition.listedKey(added.data);
}

/**
 * The running driver's test, or a fresh, unstarted one's when no device of that kind is
 * configured yet (its test opens and closes its own connection).
 */
async function testConnection(ctx: WebContext, definition: DriverDefinition, config: unknown): Promise<ConnectionTestResult> {
  const { kind } = definition;
  let driver: Driver | undefined = ctx.drivers().get(kind);
  if (!driver?.testConnection) {
    const { createDriver } = await definition.load();
    driver = createDriver({
      hub: new Hub(),
      log: ctx.log.child({ driver: kind, onboarding: true }),
      options: ctx.options(),
      dataDir: ctx.dataDir,
      reportConfigError: () => undefined,
    });
  }
  if (!driver.testConnection)
    return { ok: false, message: `testing a ${kind} connection is not supported by this version; save the device and watch its status` };
  try {
    return await driver.testConnection(config);
  } catch (err) {
    // A failed test is a result the user reads (refused, timed out), not a server fault.
    return { ok: false, message: (err as Error).message };
  }
}

/** /dev/serial/by-id links first (they survive reboots), then the other ports; serialport loads on first use. */
async function listSerialPorts(): Promise<SerialPortView[]> {
  const { listSerialPorts: list } = await import('../../drivers/xtender/serialPorts.ts');
  return (await list()).map(({ device, ...entry }) => ({ ...entry, ...(entry.byId ? { target: device } : {}) }));
}

/** Devices that dialed in to a running driver's listener and are not adopted yet. */
export function pendingDevices(ctx: WebContext): PendingDeviceView[] {
  return [...ctx.drivers().values()].flatMap((driver) => driver.pendingDevices?.() ?? []);
}
