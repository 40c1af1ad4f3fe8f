/**
 * Which broker to use: the options, else the Supervisor's MQTT service, else embedded.
 */
import type { Logger } from '../core/logger.ts';
import type { MqttOptions } from '../options/schema.ts';

export interface BrokerTarget {
  source: 'options' | 'supervisor' | 'embedded';
  url: string;
  /** The nodes of a clustered broker, tried in turn when the current one goes away. */
  servers?: BrokerNode[];
  username?: string;
  password?: string;
}

export interface BrokerNode {
  host: string;
  port: number;
}

/** `host:port` entries (the schema checked their form) as mqtt.js `servers`. */
export function brokerNodes(entries: readonly string[]): BrokerNode[] {
  return entries.map((entry) => {
    const at = entry.lastIndexOf(':');
    return { host: entry.slice(0, at), port: Number(entry.slice(at + 1)) };
  });
}

export async function chooseBroker(
  opts: MqttOptions,
  supervisorToken: string | undefined,
  log: Logger,
  fetchImpl: typeof fetch = fetch,
): Promise<BrokerTarget | { source: 'embedded' }> {
  const servers = brokerNodes(opts.servers);
  const [first] = servers;
  if (first) {
    return {
      source: 'options',
      url: `mqtt://${first.host}:${first.port}`,
      servers,
      username: opts.username,
      password: opts.password,
    };
  }
  if (opts.host) {
    const url = opts.host.includes('://') ? opts.host : `mqtt://${opts.host}:${opts.port ?? 1883}`;
    return { source: 'options', url, username: opts.username, password: opts.password };
  }
  if (supervisorToken) {
    try {
      const res = await fetchImpl('http://supervisor/services/mqtt', {
        headers: { Authorization: `Bearer ${supervisorToken}` },
        signal: AbortSignal.timeout(5000),
      });
      const body = (await res.json()) as {
        result?: string;
        message?: string;
        data?: { host: string; port: number; ssl?: boolean; username?: string; password?: string };
      };
      if (res.ok && body.data?.host) {
        const d = body.data;
        return {
          source: 'supervisor',
          url: `${d.ssl ? 'mqtts' : 'mqtt'}://${d.host}:${d.port}`,
          username: d.username,
          password: d.password,
        };
      }
      log.warn(`no MQTT service from the Supervisor (${body.message ?? res.status}); using the embedded broker`);
    } catch (err) {
      log.warn(`cannot ask the Supervisor for the MQTT service (${(err as Error).message}); using the embedded broker`);
    }
  }
  return { source: 'embedded' };
}
