import { z } from 'zod';
import { interval, optional } from '../../options/fields.ts';

export const kostalInverter = z.object({
  name: optional(z.string()),
  host: z.string().min(1, { error: 'is required (IP address or host name, optionally with :port)' }),
  username: z.string().default('pvserver'),
  password: optional(z.string()),
  poll_interval: interval(5, 3600).default(30),
  night_power: z.enum(['zero', 'unavailable']).default('zero'),
});
export type KostalInverter = z.infer<typeof kostalInverter>;
