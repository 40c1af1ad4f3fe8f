import * as z from 'zod';
import { deviceName, optional, port } from '../../options/fields.ts';
import { listedKey } from '../listedKey.ts';
import { isValidFilter, splitFilterList } from '../../protocols/victron/topic.ts';

export const victronSystem = z
  .object({
    name: deviceName(),
    /** Device id override; by default `victron_<portal id>`. */
    id: optional(z.string().regex(/^[A-Za-z0-9_-]+$/, { error: 'may only hold letters, digits, _ and -' })),
    /** The GX on the LAN (or a broker it is bridged into); unused with `vrm`. */
    host: optional(z.string()).meta({ title: 'GX address', placeholder: 'venus.local or an IP address' }),
    /** Default 1883, or 8883 with `tls` / `vrm`. */
    port: optional(port()).meta({ title: 'Port' }),
    /** LAN TLS (GX security profile "weak"/"secured"): the GX's self-signed certificate is not verified. */
    tls: z.boolean().default(false).meta({ title: 'TLS (port 8883)' }),
    portal_id: optional(z.string().regex(/^[0-9a-fA-F]{12}$/, { error: 'must be the 12-hex-digit VRM portal id' })).meta({
      title: 'VRM portal id',
      description: '12 hex digits; found on the GX or in VRM',
    }),
    /** Connect through Victron's VRM cloud broker (host from the portal id, TLS with the Victron CA). */
    vrm: z.boolean().default(false).meta({ title: 'Use the VRM cloud broker' }),
    /** LAN: `remoteconsole` (or as configured); VRM: the VRM e-mail address. */
    username: optional(z.string()).meta({ title: 'VRM user name' }),
    password: optional(z.string()).meta({ title: 'VRM password', widget: 'password' }),
    /** VRM access token (sent as `Token <token>`) or a GX pairing token; takes the place of `password`. */
    token: optional(z.string()).meta({ title: 'VRM access token', description: 'instead of the password', widget: 'password' }),
    /** Prefix of the Venus topics on a bridged broker, e.g. `victron/`. */
    topic_prefix: optional(z.string().regex(/^[^#+]*\/$/, { error: 'must end with "/" and hold no MQTT wildcards' })),
    allow_writes: z.boolean().default(false).meta({ title: 'Allow writes' }),
    /** More paths to publish: comma-separated `<service>/<instance>/<path>` patterns with `+` and `#`. */
    extra_paths: optional(
      z.string().refine((s) => splitFilterList(s).every(isValidFilter), {
        error: 'must be comma-separated patterns like "battery/+/System/MinCellTemperature" or "tank/+/#"',
      }),
    ),
  })
  .superRefine((v, ctx) => {
    if (v.vrm && !v.portal_id)
      ctx.addIssue({ code: 'custom', path: ['portal_id'], message: 'is required with vrm (the broker host is computed from it)' });
    if (v.vrm && !v.username)
      ctx.addIssue({ code: 'custom', path: ['username'], message: 'is required with vrm (your VRM e-mail address)' });
    // MQTT has no password without a user name: the client would send nothing and the GX never answer.
    if (!v.vrm && !v.username && (v.password || v.token))
      ctx.addIssue({
        code: 'custom',
        path: ['username'],
        message:
          'is required with a password: a GX with a password wants user name and password (remoteconsole on the LAN, your VRM e-mail through VRM)',
      });
    if (v.vrm && !v.password && !v.token)
      ctx.addIssue({ code: 'custom', path: ['token'], message: 'a VRM access token (or password) is required with vrm' });
    if (!v.vrm && !v.host) ctx.addIssue({ code: 'custom', path: ['host'], message: 'is required (the GX address) unless vrm is on' });
  });
export type VictronSystem = z.infer<typeof victronSystem>;

/** Every device behind a GX belongs to the GX's entry. */
export const victronListedKey = (c: VictronSystem): string => listedKey('victron', c.id, c.host, c.portal_id);
