import * as z from 'zod';
import { deviceName, interval } from '../../options/fields.ts';
import { listedKey } from '../listedKey.ts';

export const xtenderLink = z.object({
  name: deviceName(),
  serial_port: z
    .string()
    .min(1, { error: 'is required (prefer a /dev/serial/by-id/ path)' })
    .meta({ title: 'Serial port', widget: 'serial' }),
  baud: z
    .union([z.literal(38400), z.literal(115200)], { error: 'must be 38400 or 115200' })
    .default(38400)
    .meta({ title: 'Baud rate' }),
  /** Seconds between reads of the slow group (everything but output power and current). */
  poll_interval: interval(1, 3600).default(10).meta({ title: 'Poll interval (s)' }),
  /** Seconds between reads of the fast group (output power and current). */
  fast_poll_interval: interval(1, 3600).default(2),
  /** The gateway may take up to 2 s to answer (spec §1). */
  timeout_ms: interval(100, 10_000).default(2000),
  retries: interval(0, 5).default(1),
  /** Seconds between bus scans that pick up devices that came back or were added. */
  rescan_interval: interval(10, 86_400).default(300),
  allow_writes: z.boolean().default(false).meta({ title: 'Allow writes' }),
  /** Writes go to RAM unless this is set; flash survives about 1000 writes per parameter. */
  allow_flash_writes: z.boolean().default(false),
  /** Minutes that must pass between two flash writes of the same parameter. */
  flash_write_min_interval: interval(1, 10_080).default(60),
});
export type XtenderLink = z.infer<typeof xtenderLink>;

/** Every unit found on a link's bus belongs to the link's entry. */
export const xtenderListedKey = (c: XtenderLink): string => listedKey('xtender', c.serial_port);
