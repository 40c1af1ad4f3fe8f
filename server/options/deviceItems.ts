import type * as z from 'zod';
import { deviceLabel } from './deviceLabel.ts';
import { describeOptionIssues } from './errors.ts';
import { optionIssueText } from './issueText.ts';

export interface DeviceItem<T> {
  /** Position in the options list, for messages and secrets. */
  index: number;
  config: T;
}

/**
 * The valid entries of one device list; each invalid one is reported by its name and
 * skipped (not run with the wrong field defaulted: a defaulted port or address could
 * reach another device).
 */
export function validDeviceItems<S extends z.ZodType>(
  items: unknown,
  key: string,
  schema: S,
  reportConfigError: (where: string, message: string) => void,
): DeviceItem<z.output<S>>[] {
  const out: DeviceItem<z.output<S>>[] = [];
  if (!Array.isArray(items)) return out;
  items.forEach((item: unknown, index) => {
    const parsed = schema.safeParse(item, { error: optionIssueText });
    if (parsed.success) out.push({ index, config: parsed.data });
    else reportConfigError(deviceLabel(key, index, item), describeOptionIssues(parsed.error.issues));
  });
  return out;
}

/**
 * The first entry of each device (by `keyOf`, the fields that make it that device); a later
 * entry naming the same device is handed to `duplicate` to be reported, and skipped.
 */
export function firstOfEach<T>(
  items: DeviceItem<T>[],
  keyOf: (config: T) => string,
  duplicate: (item: DeviceItem<T>) => void,
): DeviceItem<T>[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const key = keyOf(item.config);
    if (!seen.has(key)) return seen.add(key);
    duplicate(item);
    return false;
  });
}
