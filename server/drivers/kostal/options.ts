import * as z from 'zod';
import { deviceName, interval, optional } from '../../options/fields.ts';
import { listedKey } from '../listedKey.ts';

export const kostalInverter = z.object({
  name: deviceName(),
  host: z
    .string()
    .min(1, { error: 'is required (IP address or host name, optionally with :port)' })
    .meta({ title: 'Inverter address', placeholder: '192.168.1.50 or host:port' }),
  /** Device id override; by default the serial number (on classic units from /Solar2.fhtml), else the host. */
  id: optional(z.string().regex(/^[A-Za-z0-9_-]+$/, { error: 'may only hold letters, digits, _ and -' })),
  /** The inverters' factory user is `pvserver` (factory password `pvwr`). */
  username: z.string().default('pvserver').meta({ title: 'User name' }),
  password: optional(z.string()).meta({ title: 'Password', description: 'the factory password is pvwr', widget: 'password' }),
  generation: z
    .enum(['auto', 'classic', 'dxs'])
    .default('auto')
    .meta({ title: 'Interface', description: 'auto tries the dxs.json API, then the classic page' }),
  poll_interval: interval(5, 3600).default(30).meta({ title: 'Poll interval (s)' }),
  timeout: interval(1, 60).default(10),
  night_power: z.enum(['zero', 'unavailable']).default('zero').meta({ title: 'At night, power is' }),
});
export type KostalInverter = z.infer<typeof kostalInverter>;

/** An inverter is its host, or its id when the options set one. */
export const kostalListedKey = (c: KostalInverter): string => listedKey('kostal', c.host, c.id);
