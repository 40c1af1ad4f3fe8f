/**
 * The topic API's commands (`<base>/<id>/command/request`), field for field as the IVY
 * gateway's: read by register name or dataId, readMultiple, readGroup; plus write.
 */
import * as z from 'zod';
import { CommandError, type Hub, type PublishedReading } from '../core/hub.ts';
import { ivyQuantity } from '../core/ivyUnits.ts';
import { findRegister, registersInGroup } from '../core/registers.ts';
import { describeZodError } from '../options/errors.ts';

const MAX_REQUEST_ID = 200;
const requestId = z.union([z.string().max(MAX_REQUEST_ID), z.number()]);
const name = z.string().min(1).max(100);

export const commandSchema = z.discriminatedUnion(
  'command',
  [
    z
      .object({ requestId, command: z.literal('read'), register: name.optional(), dataId: name.optional() })
      .refine((c) => Boolean(c.register) !== Boolean(c.dataId), { error: 'give exactly one of register or dataId', path: ['register'] }),
    z.object({ requestId, command: z.literal('readMultiple'), registers: z.array(name).min(1).max(200) }),
    z.object({ requestId, command: z.literal('readGroup'), group: name }),
    z.object({ requestId, command: z.literal('write'), register: name, value: z.union([z.number(), z.string(), z.boolean()]) }),
  ],
  { error: (issue) => (issue.code === 'invalid_union' ? 'command must be one of read, readMultiple, readGroup, write' : undefined) },
);

export type Command = z.infer<typeof commandSchema>;

export interface CommandResponse {
  requestId: string | number | null;
  success: boolean;
  timestamp: number;
  data?: unknown;
  error?: string;
}

interface RefusedRegister {
  register: string;
  dataId: string | undefined;
  error: string;
}

function readingData(r: PublishedReading) {
  return { register: r.register.key, dataId: r.register.id, ...ivyQuantity(r.register, r.value) };
}

export async function executeCommand(
  hub: Hub,
  deviceId: string,
  payload: Buffer | string,
  now: () => number = Date.now,
): Promise<CommandResponse> {
  let raw: unknown;
  try {
    raw = JSON.parse(payload.toString());
  } catch (err) {
    return { requestId: null, success: false, timestamp: now(), error: `payload is not valid JSON: ${(err as Error).message}` };
  }
  const rid = typeof raw === 'object' && raw !== null && 'requestId' in raw ? (raw as { requestId: unknown }).requestId : null;
  // Echo only what the schema accepts: a client must not make every response carry its megabyte.
  const echoedId = (typeof rid === 'string' && rid.length <= MAX_REQUEST_ID) || typeof rid === 'number' ? rid : null;
  const parsed = commandSchema.safeParse(raw);
  if (!parsed.success) return { requestId: echoedId, success: false, timestamp: now(), error: describeZodError(parsed.error) };
  const cmd = parsed.data;
  try {
    const data = await run(hub, deviceId, cmd);
    return { requestId: cmd.requestId, success: true, timestamp: now(), data };
  } catch (err) {
    const message = err instanceof CommandError ? err.message : `device error: ${(err as Error).message}`;
    return { requestId: cmd.requestId, success: false, timestamp: now(), error: message };
  }
}

async function run(hub: Hub, deviceId: string, cmd: Command): Promise<unknown> {
  switch (cmd.command) {
    case 'read': {
      const key = (cmd.register ?? cmd.dataId) as string;
      const [reading] = await hub.read(deviceId, [key]);
      if (!reading) throw new CommandError(`device ${deviceId} returned no reading for ${key}`);
      if (reading.error !== undefined) throw new CommandError(reading.error);
      return readingData(reading);
    }
    case 'readMultiple':
      return readingsData(await hub.read(deviceId, cmd.registers));
    case 'readGroup': {
      const rec = hub.get(deviceId);
      if (!rec) throw new CommandError(`Unknown device ${deviceId}`);
      const regs = registersInGroup(rec.registers, cmd.group);
      if (regs.length === 0) {
        if (rec.registers.length === 0) throw new CommandError(`Device ${deviceId} has no registers to read yet`);
        const groups = [...new Set(rec.registers.flatMap((r) => r.groups ?? [])), 'all'];
        throw new CommandError(`Unknown group "${cmd.group}"; this device has: ${groups.join(', ')}`);
      }
      return {
        group: cmd.group,
        ...readingsData(
          await hub.read(
            deviceId,
            regs.map((r) => r.key),
          ),
        ),
      };
    }
    case 'write': {
      const value = await hub.write(deviceId, cmd.register, cmd.value);
      const reg = findRegister(hub.get(deviceId)?.registers ?? [], cmd.register);
      return { register: cmd.register, ...(reg ? ivyQuantity(reg, value) : { value }) };
    }
  }
}

/**
 * The values read, and the registers the device refused under `errors` (a single-phase
 * meter has no phase B); the command fails only when every register was refused.
 */
function readingsData(readings: PublishedReading[]): { readings: ReturnType<typeof readingData>[]; errors?: RefusedRegister[] } {
  const refused = readings.filter((r) => r.error !== undefined);
  if (refused.length === readings.length) throw new CommandError(refused.map((r) => r.error).join('; '));
  const data = { readings: readings.filter((r) => r.error === undefined).map(readingData) };
  if (refused.length === 0) return data;
  return { ...data, errors: refused.map((r) => ({ register: r.register.key, dataId: r.register.id, error: r.error as string })) };
}
