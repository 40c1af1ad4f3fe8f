import * as z from 'zod';
import { interval, optional, port } from '../../options/fields.ts';
import { listedKey } from '../listedKey.ts';

export const sunspecDevice = z.object({
  name: optional(z.string()).meta({ title: 'Name', description: 'Shown in Home Assistant (default from the device).' }),
  host: z.string().min(1, { error: 'is required (IP address or host name)' }).meta({
    title: 'Inverter address',
    description: 'IP address or host name of the inverter, meter or battery.',
    placeholder: '192.168.1.50',
  }),
  port: port().default(502).meta({ title: 'Port', description: 'Modbus TCP port: 502 for most devices, 1502 for Kostal.' }),
  unit_id: z
    .number()
    .int()
    .min(0)
    .max(255)
    .default(1)
    .meta({ title: 'Unit id', description: 'Modbus unit id of the device behind the address (Kostal 71; SMA 3 or 126).' }),
  /** Device id override; by default from model 1's manufacturer and serial number. */
  id: optional(z.string().regex(/^[A-Za-z0-9_-]+$/, { error: 'may only hold letters, digits, _ and -' })),
  poll_interval: interval(2, 3600).default(10),
  timeout: interval(1, 60).default(5),
  /** Devices that take fewer than 125 registers per read. */
  max_registers: z.number().int().min(8).max(125).default(125),
  allow_writes: z.boolean().default(false),
});
export type SunSpecDevice = z.infer<typeof sunspecDevice>;

/** A device is its address, port and unit id (several devices may share one address), or its id. */
export const sunspecListedKey = (c: SunSpecDevice): string => listedKey('sunspec', c.host, c.port, c.unit_id, c.id);
