import { isIP } from 'node:net';
import * as z from 'zod';
import { listedKey } from '../listedKey.ts';
import { deviceName, interval, optional, port } from '../../options/fields.ts';

export const dlt645Options = z.object({
  listen: z.boolean().default(true),
  listen_port: port().default(8899),
  auto_adopt: z.boolean().default(true),
  /** Meters in all (listed ones included); beyond it, new meters wait in the pending list. */
  max_meters: interval(1, 100_000).default(32),
  /** New meters adopted automatically per minute; listed meters do not count. */
  adopt_per_minute: interval(1, 100_000).default(10),
  /** Seconds a dial-in connection may go without a valid meter frame (at least 3 poll intervals). */
  idle_timeout: interval(5, 86_400).default(120),
  max_connections: interval(1, 100_000).default(2000),
  /** Many DTUs can share one public address behind a carrier's NAT. */
  max_connections_per_ip: interval(1, 100_000).default(100),
  poll_interval: interval(1, 86_400).default(60),
  timeout: interval(1, 60).default(5),
  retries: interval(0, 5).default(1),
  /** Regex for a DTU's registration packet at the start of a chunk; default: IMEI or ICCID in ASCII. */
  registration_pattern: optional(z.string().refine(isRegex, { error: 'is not a valid regular expression' })),
  /** DTU heartbeat payload: `0x…` for hex bytes (spaces allowed), anything else is ASCII. */
  heartbeat: optional(z.string().min(1)),
  voltage_high: z.number().default(253),
  voltage_low: z.number().default(207),
  current_high: z.number().default(60),
  power_factor_low: z.number().min(0).max(1).default(0.8),
});

export const dlt645Meter = z.object({
  address: z
    .string()
    .regex(/^[0-9]{12}$/, { error: 'must be the 12-digit meter address' })
    .meta({ title: 'Meter address', placeholder: '12 digits' }),
  name: deviceName(),
  serial_port: optional(z.string()).meta({ title: 'Serial port (RS-485 only)', widget: 'serial' }),
  baud: optional(z.union([z.literal(1200), z.literal(2400), z.literal(4800), z.literal(9600)])).meta({ title: 'Baud rate' }),
  parity: optional(z.enum(['even', 'none', 'odd'])).meta({ title: 'Parity' }),
  /** Only a DTU whose registration packet (IMEI/ICCID) is exactly this may carry the meter. */
  dtu_registration: optional(z.string().min(1)),
  /** Only a connection from this IP address may carry the meter. */
  dtu_ip: optional(z.string().refine((s) => isIP(s) !== 0, { error: 'must be an IPv4 or IPv6 address' })),
});

export type Dlt645Options = z.infer<typeof dlt645Options>;
export type Dlt645Meter = z.infer<typeof dlt645Meter>;

function isRegex(s: string): boolean {
  try {
    new RegExp(s);
    return true;
  } catch {
    return false;
  }
}

export const dlt645ListedKey = (address: string): string => listedKey('dlt645', address);
