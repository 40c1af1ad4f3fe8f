import { z } from 'zod';
import { interval, optional } from '../../options/fields.ts';
import { listedKey } from '../listedKey.ts';

export const kostalInverter = z.object({
  name: optional(z.string()),
  host: z.string().min(1, { error: 'is required (IP address or host name, optionally with :port)' }),
  /** Device id override; by default the serial number (on classic units from /Solar2.fhtml), else the host. */
  id: optional(z.string().regex(/^[A-Za-z0-9_-]+$/, { error: 'may only hold letters, digits, _ and -' })),
  /** The inverters' factory user is `pvserver` (factory password `pvwr`). */
  username: z.string().default('pvserver'),
  password: optional(z.string()),
  generation: z.enum(['auto', 'classic', 'dxs']).default('auto'),
  poll_interval: interval(5, 3600).default(30),
  timeout: interval(1, 60).default(10),
  night_power: z.enum(['zero', 'unavailable']).default('zero'),
});
export type KostalInverter = z.infer<typeof kostalInverter>;

/** An inverter is its host, or its id when the options set one. */
export const kostalListedKey = (c: KostalInverter): string => listedKey('kostal', c.host, c.id);
