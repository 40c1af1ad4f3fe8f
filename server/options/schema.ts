/**
 * The add-on's options, mirroring config.yaml's `schema` (a test keeps both in step): the
 * general sections here, and each driver's device list and settings from its definition.
 */
import * as z from 'zod';
import { DEFINITIONS, type Definition } from '../drivers/registry.ts';
import { optional, port } from './fields.ts';

export const mqttOptions = z.object({
  host: optional(z.string()),
  port: optional(port()),
  /** Several nodes of one clustered broker (`host:port` each): the bridge moves to the next when its node goes. */
  servers: z
    .array(
      z
        .string()
        .regex(/^[A-Za-z0-9.-]+:\d{1,5}$/, { error: 'must be host:port' })
        .refine((s) => Number(s.slice(s.lastIndexOf(':') + 1)) <= 65535, { error: 'port must be 1 to 65535' }),
    )
    .max(16)
    .default([]),
  /** Several instances share one fleet of dial-in meters: each publishes and answers only for the meters it holds. */
  shared_fleet: z.boolean().default(false),
  username: optional(z.string()),
  password: optional(z.string()),
  base_topic: z
    .string()
    .min(1)
    .regex(/^[^#+]+$/, { error: 'may not contain MQTT wildcards' })
    .default('wattwire'),
  bridge_topic: z
    .string()
    .min(1)
    .regex(/^[^#+]+$/, { error: 'may not contain MQTT wildcards' })
    .default('wattwire/bridge'),
  discovery_prefix: z.string().min(1).default('homeassistant'),
  queue_size: z.number().int().min(0).max(1_000_000).default(10_000),
  /** The embedded broker's largest packet, in KiB; a client sending a larger one is disconnected. */
  max_packet_kb: z.number().int().min(1).max(65_536).default(256),
});

const generalOptions = z.object({
  log_level: z.enum(['trace', 'debug', 'info', 'warning', 'error']).default('info'),
  /** text: one readable line per event for the Log tab; json: pino's records, for log shippers. */
  log_format: z.enum(['text', 'json']).default('text'),
  mqtt: mqttOptions.prefault({}),
});

/** Each driver's settings section, by its options key. */
type SettingsOptions = {
  [D in Definition as D extends { settings: { key: infer K extends string } } ? K : never]: D extends {
    settings: { schema: infer S extends z.ZodType };
  }
    ? z.output<S>
    : never;
};

/** Each driver's device list; its entries are validated one by one by their driver. */
type DeviceListOptions = { [D in Definition as D['devices']['key']]: unknown[] };

export type Options = z.output<typeof generalOptions> & SettingsOptions & DeviceListOptions;
export type MqttOptions = z.infer<typeof mqttOptions>;
export type DeviceListKey = keyof DeviceListOptions;

/** The sections that are one set of options each (not lists). */
export const sectionSchemas: Readonly<Record<string, z.ZodObject>> = {
  mqtt: mqttOptions,
  ...Object.fromEntries(DEFINITIONS.flatMap((d) => ('settings' in d ? [[d.settings.key, d.settings.schema]] : []))),
};

/**
 * Device lists are validated item by item (by each driver) so that one wrong device is
 * reported and skipped while the others run.
 */
export const deviceSchemas: Readonly<Record<string, z.ZodObject>> = Object.fromEntries(
  DEFINITIONS.map((d) => [d.devices.key, d.devices.item]),
);

const driverShape = Object.fromEntries(
  DEFINITIONS.flatMap((d) => [
    ...('settings' in d ? [[d.settings.key, d.settings.schema.prefault({})] as const] : []),
    [d.devices.key, z.array(z.unknown()).default([])] as const,
  ]),
);

/** The whole options object; `shape` names the sections (for unknown-key warnings). */
export const optionsSchema = generalOptions.extend(driverShape) as unknown as z.ZodType<Options, unknown> & { shape: z.ZodRawShape };
