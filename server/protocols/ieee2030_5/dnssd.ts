/**
 * DNS-SD records of IEEE 2030.5 servers (protocols/ieee2030-5.md §2): which port speaks TLS,
 * and which meter it is (LFDI in the TXT record or instance name, SFDI in the
 * `edev-<SFDI>` subtype), so a meter that changed its address is recognised again.
 */
import { normaliseLfdi, sfdiFromLfdi } from './identity.ts';

export const SMART_ENERGY_SERVICE = 'smartenergy';
export const DEFAULT_METER_PORT = 8081;

export interface AdvertisedService {
  name: string;
  host?: string;
  port?: number;
  addresses?: string[];
  refererAddress?: string;
  subtypes?: string[];
  txt?: Record<string, unknown>;
}

export interface SmartEnergyServer {
  name: string;
  host: string;
  port: number;
  lfdi?: string;
  sfdi?: string;
}

/** Null when the record has no usable address or says it is an unsupported TXT version. */
export function smartEnergyServer(svc: AdvertisedService): SmartEnergyServer | null {
  const txt = lowerKeys(svc.txt ?? {});
  if (txt.txtvers !== undefined && String(txt.txtvers) !== '1') return null;
  const host = svc.addresses?.find((a) => /^\d+\.\d+\.\d+\.\d+$/.test(a)) ?? svc.addresses?.[0] ?? svc.refererAddress ?? svc.host;
  if (!host) return null;
  const lfdi = lfdiIn(txt.lfdi) ?? lfdiIn(svc.name);
  const sfdi = svc.subtypes
    ?.map((s) => /^edev-(\d{12})$/i.exec(s)?.[1])
    .find((s) => s !== undefined)
    ?.replace(/^0+(?=\d)/, '');
  return {
    name: svc.name,
    host,
    port: httpsPort(txt.https, svc.port),
    ...(lfdi ? { lfdi } : {}),
    ...(sfdi ? { sfdi } : lfdi ? { sfdi: sfdiFromLfdi(lfdi) } : {}),
  };
}

/** Whether this advertised server is the meter with that LFDI. */
export function isMeter(server: SmartEnergyServer, lfdi: string): boolean {
  const wanted = normaliseLfdi(lfdi);
  if (!wanted) return false;
  if (server.lfdi) return server.lfdi === wanted;
  return server.sfdi !== undefined && server.sfdi === sfdiFromLfdi(wanted);
}

/**
 * `https=<port>` wins; `https` present but empty means 443; absent, Xcel meters serve TLS
 * on the SRV port itself; no SRV port means the usual 8081.
 */
function httpsPort(https: unknown, srvPort: number | undefined): number {
  if (https === true || https === '') return 443;
  const n = Number(typeof https === 'string' ? https : NaN);
  if (Number.isInteger(n) && n > 0 && n < 65536) return n;
  return srvPort && srvPort > 0 ? srvPort : DEFAULT_METER_PORT;
}

function lfdiIn(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  const m = /[0-9a-fA-F]{40}/.exec(v.replace(/-/g, ''));
  return m ? (normaliseLfdi(m[0]) ?? undefined) : undefined;
}

function lowerKeys(txt: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(txt).map(([k, v]) => [k.toLowerCase(), Buffer.isBuffer(v) ? v.toString('utf8') : v]));
}
