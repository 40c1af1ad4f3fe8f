import { z } from 'zod';
import { hexKey, interval, optional, port } from '../../options/fields.ts';

export const dlmsOptions = z.object({
  listen: z.boolean().default(false),
  listen_port: port().default(4059),
});

export const dlmsMeter = z.object({
  id: optional(z.string().regex(/^[A-Za-z0-9_-]+$/, { error: 'may only hold letters, digits, _ and -' })),
  name: optional(z.string()),
  mode: z.enum(['push', 'poll']).default('push'),
  system_title: optional(z.string().regex(/^[0-9a-fA-F]{16}$/, { error: 'must be 16 hexadecimal characters' })),
  encryption_key: optional(hexKey()),
  authentication_key: optional(hexKey()),
  serial_port: optional(z.string()),
  baud: optional(z.number().int().min(300).max(115_200)),
  parity: optional(z.enum(['even', 'none', 'odd'])),
  host: optional(z.string()),
  port: optional(port()),
  password: optional(z.string()),
  poll_interval: interval(1, 86_400).default(60),
});
export type DlmsOptions = z.infer<typeof dlmsOptions>;
export type DlmsMeter = z.infer<typeof dlmsMeter>;
