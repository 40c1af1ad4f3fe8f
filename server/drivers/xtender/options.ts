import { z } from 'zod';
import { interval, optional } from '../../options/fields.ts';

export const xtenderLink = z.object({
  name: optional(z.string()),
  serial_port: z.string().min(1, { error: 'is required (prefer a /dev/serial/by-id/ path)' }),
  baud: z.union([z.literal(38400), z.literal(115200)]).default(38400),
  poll_interval: interval(1, 3600).default(10),
  allow_writes: z.boolean().default(false),
  allow_flash_writes: z.boolean().default(false),
});
export type XtenderLink = z.infer<typeof xtenderLink>;
