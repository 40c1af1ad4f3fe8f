/** zod field types that mirror the Supervisor's option types, so both schemas agree. */
import * as z from 'zod';

export const port = () => z.number({ error: 'must be a port number' }).int().min(1).max(65535);
export const interval = (min: number, max: number) => z.number().int().min(min).max(max);
export const hexKey = () => z.string().regex(/^[0-9a-fA-F]{32}$/, { error: 'must be 32 hexadecimal characters (a 128-bit key)' });
/** Empty strings from the Supervisor's form mean "not set". */
export function blankToUndefined(v: unknown): unknown {
  return typeof v === 'string' && v.trim() === '' ? undefined : v;
}
export const optional = <T extends z.ZodType>(t: T) => z.preprocess(blankToUndefined, t.optional());

/**
 * What the onboarding wizard shows for a field (see `z.toJSONSchema` in web/routes/onboarding.ts):
 * fields with a `title` are in its form; `widget` asks for a password or a serial-port picker.
 */
declare module 'zod' {
  interface GlobalMeta {
    placeholder?: string;
    widget?: 'password' | 'serial';
  }
}

/** A device's display name, offered first in the wizard. */
export const deviceName = () => optional(z.string()).meta({ title: 'Name', placeholder: 'shown in Home Assistant' });
