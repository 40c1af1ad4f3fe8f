import type { DriverContext } from '../drivers/types.ts';
import { deviceSchemas, type DeviceListKey } from './schema.ts';
import type { z } from 'zod';
import { describeZodError } from './errors.ts';

/** The valid entries of one device list; each invalid one is reported and skipped. */
export function validDeviceItems<K extends DeviceListKey>(
  ctx: Pick<DriverContext, 'options' | 'reportConfigError'>,
  key: K,
): { index: number; config: z.infer<(typeof deviceSchemas)[K]> }[] {
  const schema = deviceSchemas[key];
  const items = ctx.options[key] as unknown[];
  const out: { index: number; config: z.infer<(typeof deviceSchemas)[K]> }[] = [];
  items.forEach((item, index) => {
    const parsed = schema.safeParse(item);
    if (parsed.success) out.push({ index, config: parsed.data as z.infer<(typeof deviceSchemas)[K]> });
    else ctx.reportConfigError(`${key}[${index}]`, describeZodError(parsed.error, `${key}[${index}]`));
  });
  return out;
}
