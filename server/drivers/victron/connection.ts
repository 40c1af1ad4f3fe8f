/**
 * MQTT connection settings for one GX: on the LAN (plain 1883, or TLS 8883 with the GX's
 * self-signed certificate) or through the VRM cloud broker computed from the portal id,
 * trusted through Victron's own CA (venus-ca.crt next to this file).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { serverFile } from '../../serverFiles.ts';
import type { IClientOptions } from 'mqtt';
import { VRM_PORT, vrmBrokerHost } from '../../protocols/victron/vrm.ts';
import type { VictronSystem } from './options.ts';

export const VENUS_CA_FILE = serverFile('drivers/victron/venus-ca.crt');

let venusCa: Buffer | undefined;

/** Victron's "CCGX Certificate Authority", read once at run time. */
export function loadVenusCa(): Buffer {
  venusCa ??= readFileSync(VENUS_CA_FILE);
  return venusCa;
}

export interface GxEndpoint {
  url: string;
  options: IClientOptions;
  /** For logs and diagnostics: never holds credentials. */
  describe: string;
}

export function gxEndpoint(config: VictronSystem, reconnectMs: number): GxEndpoint {
  const base: IClientOptions = {
    // VRM refuses client ids with + # or /
    clientId: `wattwire_victron_${randomBytes(4).toString('hex')}`,
    clean: true,
    keepalive: 30,
    reconnectPeriod: reconnectMs,
    connectTimeout: 10_000,
    username: config.username,
    password: config.token !== undefined ? (config.vrm ? `Token ${config.token}` : config.token) : config.password,
  };
  if (config.vrm) {
    const host = vrmBrokerHost(config.portal_id ?? '');
    const port = config.port ?? VRM_PORT;
    return {
      url: `mqtts://${host}:${port}`,
      options: { ...base, ca: loadVenusCa(), rejectUnauthorized: true, servername: host },
      describe: `VRM ${host}:${port}`,
    };
  }
  const host = config.host ?? '';
  const port = config.port ?? (config.tls ? 8883 : 1883);
  const tls = config.tls ? { rejectUnauthorized: false } : {};
  return {
    url: `${config.tls ? 'mqtts' : 'mqtt'}://${host}:${port}`,
    options: { ...base, ...tls },
    describe: `${host}:${port}${config.tls ? ' (TLS)' : ''}`,
  };
}
