/**
 * What the onboarding API sends, as zod schemas (the routes' response schemas) and the
 * types derived from them, which the UI imports: the wizard and the API cannot drift apart.
 */
import * as z from 'zod';

/**
 * The part of a JSON Schema (`z.toJSONSchema` of a device's options) the wizard reads:
 * a field is shown when it has a `title`; `widget` picks a password or serial-port input.
 */
export interface FieldSchema {
  type?: 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'null';
  title?: string;
  description?: string;
  placeholder?: string;
  widget?: 'password' | 'serial';
  enum?: readonly (string | number)[];
  const?: string | number | boolean;
  anyOf?: readonly FieldSchema[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
}

export interface ObjectSchema {
  type: 'object';
  properties: Record<string, FieldSchema>;
  required?: readonly string[];
}

const objectSchema = z.custom<ObjectSchema>(
  (v) => typeof v === 'object' && v !== null && typeof (v as { properties?: unknown }).properties === 'object',
);
const config = z.record(z.string(), z.unknown());

export const kindView = z.object({
  kind: z.string(),
  label: z.string(),
  blurb: z.string(),
  discovery: z.array(z.enum(['mdns', 'serial', 'pending', 'host'])),
  presets: z.array(z.object({ label: z.string(), config })),
  schema: objectSchema,
});
export type KindView = z.infer<typeof kindView>;

export const pendingDeviceView = z.object({ kind: z.string(), label: z.string(), remote: z.string().optional(), config });
export type PendingDeviceView = z.infer<typeof pendingDeviceView>;

export const foundDeviceView = z.object({ kind: z.string(), label: z.string(), host: z.string(), port: z.number(), config });
export type FoundDeviceView = z.infer<typeof foundDeviceView>;

export const serialPortView = z.object({
  path: z.string(),
  /** A /dev/serial/by-id link: stable across reboots and re-plugging. */
  byId: z.boolean(),
  /** The kernel device the link points to now. */
  target: z.string().optional(),
  manufacturer: z.string().optional(),
  serialNumber: z.string().optional(),
});
export type SerialPortView = z.infer<typeof serialPortView>;

export const testResultView = z.object({ ok: z.boolean(), message: z.string(), details: z.record(z.string(), z.unknown()).optional() });
export type TestResultView = z.infer<typeof testResultView>;

export const savedView = z.object({ saved: z.literal(true), list: z.string(), index: z.number().int() });
