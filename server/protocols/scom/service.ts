/**
 * SCOM service layer (frame data): service flags, service id, object type, object id,
 * property id, property data. Builds read/write requests and interprets responses.
 */
import { DTE_ADDRESS } from './addresses.ts';
import { SERVICE_HEADER_LENGTH, ServiceFlag, ServiceId } from './constants.ts';
import { describeScomError } from './errors.ts';
import { encodeFrame, type Decoded, type ScomFrame } from './frame.ts';
import { byteAt } from '../bytes.ts';

export interface ScomService {
  flags: number;
  serviceId: number;
  objectType: number;
  objectId: number;
  propertyId: number;
  data: Uint8Array;
}

/** What a request addresses; a response answers the same target. */
export interface ScomTarget {
  address: number;
  objectType: number;
  objectId: number;
  propertyId: number;
}

export function encodeService(s: ScomService): Uint8Array {
  const out = new Uint8Array(SERVICE_HEADER_LENGTH + s.data.length);
  const view = new DataView(out.buffer);
  out[0] = s.flags & 0xff;
  out[1] = s.serviceId & 0xff;
  view.setUint16(2, s.objectType, true);
  view.setUint32(4, s.objectId >>> 0, true);
  view.setUint16(8, s.propertyId, true);
  out.set(s.data, SERVICE_HEADER_LENGTH);
  return out;
}

export function decodeService(data: Uint8Array): Decoded<ScomService> {
  if (data.length < SERVICE_HEADER_LENGTH)
    return { ok: false, error: `service data needs ${SERVICE_HEADER_LENGTH} bytes, got ${data.length}` };
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  return {
    ok: true,
    value: {
      flags: byteAt(data, 0),
      serviceId: byteAt(data, 1),
      objectType: view.getUint16(2, true),
      objectId: view.getUint32(4, true),
      propertyId: view.getUint16(8, true),
      data: data.slice(SERVICE_HEADER_LENGTH),
    },
  };
}

function request(serviceId: number, target: ScomTarget, data: Uint8Array, src: number): Uint8Array {
  const service = encodeService({
    flags: 0,
    serviceId,
    objectType: target.objectType,
    objectId: target.objectId,
    propertyId: target.propertyId,
    data,
  });
  return encodeFrame({ flags: 0, src, dst: target.address, data: service });
}

export function encodeReadRequest(target: ScomTarget, src = DTE_ADDRESS): Uint8Array {
  return request(ServiceId.READ, target, new Uint8Array(0), src);
}

/** A read request carrying data (multi-info asks for its list this way). */
export function encodeReadRequestWithData(target: ScomTarget, data: Uint8Array, src = DTE_ADDRESS): Uint8Array {
  return request(ServiceId.READ, target, data, src);
}

export function encodeWriteRequest(target: ScomTarget, value: Uint8Array, src = DTE_ADDRESS): Uint8Array {
  return request(ServiceId.WRITE, target, value, src);
}

export type ScomResponse =
  | { kind: 'value'; frame: ScomFrame; service: ScomService; data: Uint8Array }
  | { kind: 'error'; frame: ScomFrame; service: ScomService; code: number; message: string };

/** Interpret a received frame as a response; an error if it is not one. */
export function decodeResponse(frame: ScomFrame): Decoded<ScomResponse> {
  const decoded = decodeService(frame.data);
  if (!decoded.ok) return decoded;
  const service = decoded.value;
  if ((service.flags & ServiceFlag.RESPONSE) === 0) return { ok: false, error: 'frame is a request, not a response' };
  if ((service.flags & ServiceFlag.ERROR) !== 0) {
    const [low, high] = service.data;
    if (low === undefined || high === undefined)
      return { ok: false, error: `error response carries ${service.data.length} bytes, expected a 2-byte code` };
    const code = low | (high << 8);
    return { ok: true, value: { kind: 'error', frame, service, code, message: describeScomError(code) } };
  }
  return { ok: true, value: { kind: 'value', frame, service, data: service.data } };
}

/** Does this response answer a request for `target` with `serviceId`? (The Moxa forwards unrelated frames.) */
export function answers(response: ScomResponse, serviceId: number, target: ScomTarget, src = DTE_ADDRESS): boolean {
  const s = response.service;
  return (
    s.serviceId === serviceId &&
    s.objectType === target.objectType &&
    s.objectId === target.objectId &&
    s.propertyId === target.propertyId &&
    response.frame.dst === src &&
    response.frame.src === target.address
  );
}
