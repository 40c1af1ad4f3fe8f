import * as z from 'zod';
import { deviceName, interval, optional, port } from '../../options/fields.ts';
import { listedKey } from '../listedKey.ts';

/**
 * One Itron 2030.5 meter. `host`/`port` override mDNS; `lfdi` (the meter's, 40 hex digits,
 * dashes allowed as the Launchpad shows them) picks the meter on mDNS and is its device id.
 */
export const itronMeter = z.object({
  name: deviceName(),
  host: optional(z.string().min(1)).meta({ title: 'Meter address', placeholder: 'found by the scan, or an IP address' }),
  port: optional(port()).meta({ title: 'Port' }),
  lfdi: optional(
    z
      .string()
      .transform((s) => s.replace(/[\s:-]/g, '').toUpperCase())
      .pipe(z.string().regex(/^[0-9A-F]{40}$/, { error: 'must be the 40-hex-digit LFDI (dashes allowed)' })),
  ).meta({ title: 'Meter LFDI (optional)', description: '40 hex digits; pins the meter’s identity' }),
  poll_interval: interval(1, 3600).default(10).meta({ title: 'Poll interval (s)' }),
  /** Seconds before a connection or request counts as timed out. */
  timeout: interval(1, 120).default(10),
  /** One kept-alive TLS connection; off = a new TLS session per request (some meters are more reliable so). */
  keep_alive: z.boolean().default(true),
});
export type ItronMeter = z.infer<typeof itronMeter>;

export const itronListedKey = (c: ItronMeter): string => listedKey('itron', c.lfdi, c.host, c.port);
