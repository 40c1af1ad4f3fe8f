/**
 * Which interface an inverter has. The probe order follows the reference: the DXS API
 * first (`/api/dxs.json?dxsEntries=16780032` answers JSON), then the classic page.
 */
import { DXS, parseDxsResponse } from './dxs.ts';
import type { Generation } from './snapshot.ts';

export const DXS_PROBE_PATH = `/api/dxs.json?dxsEntries=${DXS.operatingStatus}`;
export const CLASSIC_PAGE_PATH = '/index.fhtml';

/** The DXS probe's answer (status and body) says the inverter speaks DXS. */
export function isDxsAnswer(status: number, body: string): boolean {
  return status === 200 && parseDxsResponse(body).ok;
}

/** The classic status page: its title and its white value cells. */
export function isClassicPage(body: string): boolean {
  return /<title>\s*PV Webserver\s*<\/title>/i.test(body) || /bgcolor="#FFFFFF"/i.test(body);
}

export function detectGeneration(
  dxsProbe: { status: number; body: string } | null,
  page: { status: number; body: string } | null,
): Generation | null {
  if (dxsProbe && isDxsAnswer(dxsProbe.status, dxsProbe.body)) return 'dxs';
  if (page && page.status === 200 && isClassicPage(page.body)) return 'classic';
  return null;
}
