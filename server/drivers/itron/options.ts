import { z } from 'zod';
import { interval, optional, port } from '../../options/fields.ts';

export const itronMeter = z.object({
  name: optional(z.string()),
  host: optional(z.string()),
  port: optional(port()),
  lfdi: optional(z.string().regex(/^[0-9a-fA-F]{40}$/, { error: 'must be the 40-hex-digit LFDI' })),
  poll_interval: interval(1, 3600).default(10),
});
export type ItronMeter = z.infer<typeof itronMeter>;
