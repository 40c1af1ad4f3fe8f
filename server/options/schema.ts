/**
 * The add-on's options, mirroring config.yaml's `schema` (a test keeps both in step).
 * Each driver owns the schema of its own section.
 */
import { z } from 'zod';
import { dlt645Meter, dlt645Options } from '../drivers/dlt645/options.ts';
import { itronMeter } from '../drivers/itron/options.ts';
import { xtenderLink } from '../drivers/xtender/options.ts';
import { dlmsMeter, dlmsOptions } from '../drivers/dlms/options.ts';
import { kostalInverter } from '../drivers/kostal/options.ts';
import { victronSystem } from '../drivers/victron/options.ts';
import { optional, port } from './fields.ts';

export const mqttOptions = z.object({
  host: optional(z.string()),
  port: optional(port()),
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

export const optionsSchema = z.object({
  log_level: z.enum(['trace', 'debug', 'info', 'warning', 'error']).default('info'),
  /** text: one readable line per event for the Log tab; json: pino's records, for log shippers. */
  log_format: z.enum(['text', 'json']).default('text'),
  mqtt: mqttOptions.prefault({}),
  dlt645: dlt645Options.prefault({}),
  dlt645_meters: z.array(z.unknown()).default([]),
  itron_meters: z.array(z.unknown()).default([]),
  xtender: z.array(z.unknown()).default([]),
  dlms: dlmsOptions.prefault({}),
  dlms_meters: z.array(z.unknown()).default([]),
  kostal: z.array(z.unknown()).default([]),
  victron: z.array(z.unknown()).default([]),
});

/** The sections that are one set of options each (not lists). */
export const sectionSchemas = {
  mqtt: mqttOptions,
  dlt645: dlt645Options,
  dlms: dlmsOptions,
} as const;

/**
 * Device lists are validated item by item (by each driver, with `deviceSchemas`) so that
 * one wrong device is reported and skipped while the others run.
 */
export const deviceSchemas = {
  dlt645_meters: dlt645Meter,
  itron_meters: itronMeter,
  xtender: xtenderLink,
  dlms_meters: dlmsMeter,
  kostal: kostalInverter,
  victron: victronSystem,
} as const;

export type DeviceListKey = keyof typeof deviceSchemas;
export type Options = z.infer<typeof optionsSchema>;
export type MqttOptions = z.infer<typeof mqttOptions>;
