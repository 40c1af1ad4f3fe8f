import * as z from 'zod';
import { listedKey } from '../listedKey.ts';
import { deviceName, hexKey, interval, optional, port } from '../../options/fields.ts';

export const dlmsOptions = z.object({
  listen: z.boolean().default(false),
  listen_port: port().default(4059),
  /** Unknown system titles listed at once (pushes from meters not in dlms_meters). */
  max_meters: interval(1, 1000).default(32),
  /** New unknown system titles listed per minute; more are counted, not listed. */
  adopt_per_minute: interval(1, 1000).default(10),
});

/**
 * Serial line settings per meter family (protocols/dlms-cosem.md §1): Austrian Kaifa
 * M-Bus 2400 8E1, Norwegian/Swedish HAN 2400 8N1, Luxembourg Smarty P1 115200 8N1.
 */
export const METER_TYPES = {
  generic: { baud: 2400, parity: 'none' },
  austria_mbus: { baud: 2400, parity: 'even' },
  nordic_han: { baud: 2400, parity: 'none' },
  smarty_p1: { baud: 115_200, parity: 'none' },
} as const;

export const dlmsMeter = z
  .object({
    id: optional(z.string().regex(/^[A-Za-z0-9_-]+$/, { error: 'may only hold letters, digits, _ and -' })).meta({
      title: 'Id (optional)',
    }),
    name: deviceName(),
    mode: z.enum(['push', 'poll']).default('push').meta({ title: 'Mode' }),
    meter_type: z.enum(['generic', 'austria_mbus', 'nordic_han', 'smarty_p1']).default('generic').meta({ title: 'Meter type' }),
    system_title: optional(z.string().regex(/^[0-9a-fA-F]{16}$/, { error: 'must be 16 hexadecimal characters' })).meta({
      title: 'System title',
      placeholder: '16 hex digits',
    }),
    encryption_key: optional(hexKey()).meta({ title: 'Encryption key', placeholder: '32 hex digits', widget: 'password' }),
    authentication_key: optional(hexKey()).meta({ title: 'Authentication key', placeholder: '32 hex digits', widget: 'password' }),
    serial_port: optional(z.string()).meta({ title: 'Serial port', widget: 'serial' }),
    baud: optional(z.number().int().min(300).max(115_200)),
    parity: optional(z.enum(['even', 'none', 'odd'])),
    host: optional(z.string()).meta({ title: 'Host' }),
    port: optional(port()).meta({ title: 'Port' }),
    password: optional(z.string().max(64)).meta({ title: 'Password', widget: 'password' }),
    /** Client address (wrapper wPort) to associate as; default 16 (public) without a password, 17 with one. */
    client_address: optional(interval(1, 255)),
    poll_interval: interval(1, 86_400).default(60),
    /** Seconds without a telegram before the meter is reported as silent. */
    timeout: interval(1, 3600).default(60),
  })
  .superRefine((m, ctx) => {
    if (m.mode === 'poll' && !m.host) ctx.addIssue({ code: 'custom', path: ['host'], message: 'is required when mode is poll' });
    if (m.mode === 'push' && m.host) ctx.addIssue({ code: 'custom', path: ['host'], message: 'is only used when mode is poll' });
    if (m.authentication_key && !m.encryption_key)
      ctx.addIssue({ code: 'custom', path: ['encryption_key'], message: 'is required with authentication_key' });
  });
export type DlmsOptions = z.infer<typeof dlmsOptions>;
export type DlmsMeter = z.infer<typeof dlmsMeter>;

export const dlmsListedKey = (c: DlmsMeter): string => listedKey('dlms', c.id, c.system_title, c.serial_port, c.host, c.port);
