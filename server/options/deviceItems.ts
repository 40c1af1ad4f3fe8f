import type { DriverContext } from '../drivers/types.ts';
import { deviceSchemas, type DeviceListKey } from './schema.ts';
import type { z } from 'zod';
import { deviceLabel } from './deviceLabel.ts';
import { describeOptionIssues } from './errors.ts';
import { optionIssueText } from './issueText.ts';

/**
 * The valid entries of one device list; each invalid one is reported by its name and
 * skipped (not run with the wrong field defaulted: a defaulted port or address could
 * reach another device).
 */
export function validDeviceItems<K extends DeviceListKey>(
  ctx: Pick<DriverContext, 'options' | 'reportConfigError'>,
  key: K,
): { index: number; config: z.infer<(typeof deviceSchemas)[K]> }[] {
  const schema = deviceSchemas[key];
  const items = ctx.options[key] as unknown[];
  const out: { index: number; config: z.infer<(typeof deviceSchemas)[K]> }[] = [];
  items.forEach((item, index) => {
    const parsed = schema.safeParse(item, { error: optionIssueText });
    if (parsed.success) out.push({ index, config: parsed.data as z.infer<(typeof deviceSchemas)[K]> });
    else ctx.reportConfigError(deviceLabel(key, index, item), describeOptionIssues(parsed.error.issues));
  });
  return out;
}
