/** Who a device is, from its model 1, and the id it is listed under. */
import type { DecodedModel } from '../../protocols/sunspec/block.ts';
import type { SunSpecDevice } from './options.ts';

export interface Identity {
  manufacturer: string | null;
  model: string | null;
  version: string | null;
  serial: string | null;
}

const clean = (s: string) => s.replace(/[^A-Za-z0-9]+/g, '');

/** The device id: the user's `id`, else manufacturer and serial number from model 1; the address only for a device without a serial number. */
export function deviceIdFor(config: SunSpecDevice, identity: Identity | undefined): string {
  if (config.id) return config.id;
  const serial = identity?.serial ? clean(identity.serial) : '';
  if (serial) return `sunspec_${clean(identity?.manufacturer ?? '').toLowerCase() || 'device'}_${serial}`;
  return `sunspec_${config.host.replace(/[^A-Za-z0-9]+/g, '_')}_${config.port}_${config.unit_id}`;
}

export function identityOf(common: DecodedModel): Identity {
  const text = (name: string) => {
    const v = common.points.find((p) => p.path === name)?.value;
    return typeof v === 'string' ? v : null;
  };
  return { manufacturer: text('Mn'), model: text('Md'), version: text('Vr'), serial: text('SN') };
}
