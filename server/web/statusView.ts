/**
 * What the status routes send (health, broker, logs, certificate), as zod schemas (the
 * routes' response schemas) and the types derived from them, which the UI imports.
 */
import * as z from 'zod';

export const brokerView = z.object({
  source: z.enum(['options', 'supervisor', 'embedded']),
  url: z.string(),
  connected: z.boolean(),
  queued: z.number(),
  dropped: z.number(),
  published: z.number(),
});
export type BrokerView = z.infer<typeof brokerView>;

export const configErrorView = z.object({ where: z.string(), message: z.string() });

export const healthView = z.object({
  status: z.literal('ok'),
  version: z.string(),
  /** Milliseconds since the bridge started. */
  uptime: z.number(),
  broker: brokerView,
  configErrors: z.array(configErrorView),
  /** Devices by state. */
  devices: z.object({
    total: z.number(),
    online: z.number(),
    asleep: z.number(),
    connecting: z.number(),
    offline: z.number(),
    fault: z.number(),
  }),
});
export type Health = z.infer<typeof healthView>;

/** `api/broker/login`: the embedded broker's address and login, or `{embedded: false}`. */
export const brokerLoginView = z.union([
  z.object({ embedded: z.literal(false) }).strict(),
  z
    .object({
      embedded: z.literal(true),
      host: z.string(),
      port: z.number().int(),
      wsPort: z.number().int(),
      username: z.string(),
      password: z.string(),
    })
    .strict(),
]);
export type BrokerLoginView = z.infer<typeof brokerLoginView>;

export const logLineView = z.object({ time: z.number(), level: z.string(), msg: z.string() });
export type LogLineView = z.infer<typeof logLineView>;

/** `api/certs`: the stored client certificate (never its key), or `{present: false}`. */
export const certView = z.union([
  z.object({ present: z.literal(false) }).strict(),
  z.object({
    present: z.literal(true),
    lfdi: z.string(),
    lfdiGrouped: z.string(),
    sfdi: z.string(),
    fingerprint: z.string(),
    notBefore: z.string(),
    notAfter: z.string(),
    daysLeft: z.number(),
    expiresSoon: z.boolean(),
    subject: z.string(),
    certPem: z.string(),
  }),
]);
export type CertView = z.infer<typeof certView>;
