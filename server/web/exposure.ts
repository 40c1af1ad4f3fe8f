/**
 * Where the web server listens and who may use its API. Under the Supervisor only the
 * ingress proxy and loopback get in; standalone it listens on loopback unless told
 * otherwise, and anywhere else it needs a token, because the API can rewrite every option.
 */
import { isIP } from 'node:net';

export const MIN_TOKEN_LENGTH = 16;

export interface WebExposure {
  host: string;
  /** Enforce the ingress allow-list (172.30.32.2 and loopback). */
  ingressOnly: boolean;
  /** Every api/ request must carry this token. */
  token?: string;
}

export interface WebEnvironment {
  supervisorToken?: string;
  httpHost?: string;
  httpToken?: string;
}

export class WebExposureError extends Error {}

export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  if (bare === 'localhost' || bare === '::1') return true;
  return isIP(bare) === 4 && bare.startsWith('127.');
}

export function webExposure(env: WebEnvironment): WebExposure {
  const token = env.httpToken ? env.httpToken : undefined;
  if (token !== undefined && token.length < MIN_TOKEN_LENGTH) {
    throw new WebExposureError(`WATTWIRE_HTTP_TOKEN is too short: use at least ${MIN_TOKEN_LENGTH} random characters`);
  }
  // Ingress reaches the add-on over the hassio network, so it must listen beyond loopback.
  if (env.supervisorToken) return { host: env.httpHost || '0.0.0.0', ingressOnly: true };
  const host = env.httpHost || '127.0.0.1';
  if (!token && !isLoopbackHost(host)) {
    throw new WebExposureError(
      `WATTWIRE_HTTP_HOST=${host} would open the web API to the network without a password: set WATTWIRE_HTTP_TOKEN to a secret of at least ${MIN_TOKEN_LENGTH} characters, or leave WATTWIRE_HTTP_HOST unset to listen on 127.0.0.1 only`,
    );
  }
  return { host, ingressOnly: false, token };
}
