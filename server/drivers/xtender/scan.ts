/**
 * Bus scan: probe every address of every family with one known user info and a short
 * timeout (as the public libraries do), then read what identifies each device found.
 */
import { XCOM_ADDRESS, familyAddresses, type DeviceFamily } from '../../protocols/scom/addresses.ts';
import { ObjectType } from '../../protocols/scom/constants.ts';
import { decodeGuid } from '../../protocols/scom/guid.ts';
import { combineWords, softwareVersion } from '../../protocols/scom/values.ts';
import { FAMILY_IDENTITY } from './registers.ts';
import { ScomError, ScomTimeout, type ScomLink } from './link.ts';
import { readInfo } from './objects.ts';

export interface FoundDevice {
  family: DeviceFamily;
  address: number;
  /** FID (factory id), or the gateway's GUID: the device's serial number. */
  serial: string;
  model?: string;
  swVersion?: string;
}

const SCAN_TIMEOUT_MS = 500;
const SCANNED: DeviceFamily[] = ['xtender', 'variotrack', 'variostring', 'bsp'];

/** Read the gateway's GUID. It also starts a new session with the gateway. */
export async function readGatewayGuid(link: ScomLink): Promise<string> {
  const data = await link.read({ address: XCOM_ADDRESS, objectType: ObjectType.GUID, objectId: 0, propertyId: 0 });
  const guid = decodeGuid(data);
  if (!guid.ok) throw new Error(`Xcom-232i GUID: ${guid.error}`);
  return guid.value;
}

function absent(err: unknown): boolean {
  return err instanceof ScomTimeout || err instanceof ScomError;
}

async function identify(link: ScomLink, family: DeviceFamily, address: number): Promise<FoundDevice | undefined> {
  const ident = FAMILY_IDENTITY[family];
  if (!ident) return undefined;
  try {
    await readInfo(link, address, ident.probe, 'float', { timeoutMs: SCAN_TIMEOUT_MS, retries: 0 });
  } catch (err) {
    if (absent(err)) return undefined;
    throw err;
  }
  const read = (id: number) => readInfo(link, address, id, 'float');
  const fid = combineWords(await read(ident.fidMsb), await read(ident.fidLsb));
  const type = await read(ident.type).catch(() => undefined);
  const version = softwareVersion(await read(ident.softMsb), await read(ident.softLsb));
  return {
    family,
    address,
    serial: fid.toString(16).toUpperCase().padStart(8, '0'),
    model: type !== undefined ? ident.models[type] : undefined,
    swVersion: version,
  };
}

export async function scanBus(link: ScomLink): Promise<FoundDevice[]> {
  const found: FoundDevice[] = [];
  const guid = await readGatewayGuid(link);
  found.push({ family: 'xcom', address: XCOM_ADDRESS, serial: guid.replace(/-/g, '').toUpperCase(), model: 'Xcom-232i' });
  for (const family of SCANNED) {
    for (const address of familyAddresses(family)) {
      const device = await identify(link, family, address);
      if (device) found.push(device);
    }
  }
  return found;
}
