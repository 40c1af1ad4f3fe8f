/**
 * Reading user infos and reading/writing parameters over a link, with the value formats
 * and the user-info property fallback of studer-scom.md §3.4.
 */
import { ObjectType, PropertyId, USER_INFO_FALLBACK_PROPERTY } from '../../protocols/scom/constants.ts';
import { ScomErrorCode } from '../../protocols/scom/errors.ts';
import { decodeValue, encodeValue, type ScomFormat } from '../../protocols/scom/values.ts';
import { ScomError, type RequestOptions, type ScomLink } from './link.ts';

/** Gateways that refused property 0x0001 for user infos; they get 0x0005 from then on. */
const infoFallback = new WeakSet<ScomLink>();

export class ValueFormatError extends Error {}

function decode(format: ScomFormat, data: Uint8Array, what: string): number {
  const value = decodeValue(format, data);
  if (!value.ok) throw new ValueFormatError(`${what}: ${value.error}`);
  return value.value;
}

export async function readInfo(
  link: ScomLink,
  address: number,
  id: number,
  format: ScomFormat,
  opts: RequestOptions = {},
): Promise<number> {
  const target = (propertyId: number) => ({ address, objectType: ObjectType.USER_INFO, objectId: id, propertyId });
  if (!infoFallback.has(link)) {
    try {
      return decode(format, await link.read(target(PropertyId.INFO_VALUE), opts), `info ${id} at ${address}`);
    } catch (err) {
      if (!(err instanceof ScomError && err.code === ScomErrorCode.PROPERTY_NOT_SUPPORTED)) throw err;
      infoFallback.add(link);
    }
  }
  return decode(format, await link.read(target(USER_INFO_FALLBACK_PROPERTY), opts), `info ${id} at ${address}`);
}

export async function readParameter(link: ScomLink, address: number, id: number, propertyId: number, format: ScomFormat): Promise<number> {
  const data = await link.read({ address, objectType: ObjectType.PARAMETER, objectId: id, propertyId });
  return decode(format, data, `parameter ${id} at ${address}`);
}

export async function writeParameter(
  link: ScomLink,
  address: number,
  id: number,
  propertyId: number,
  format: ScomFormat,
  value: number | boolean,
): Promise<void> {
  await link.write({ address, objectType: ObjectType.PARAMETER, objectId: id, propertyId }, encodeValue(format, value));
}
