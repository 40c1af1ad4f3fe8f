/**
 * xDLMS APDUs (protocols/dlms-cosem.md §5–§7): notifications, GET, AARQ/AARE, release,
 * exceptions, and the ciphered envelopes (decrypted in security.ts).
 */
import { readData, type DlmsData } from './axdr.ts';
import { Cursor, encodeLength } from './cursor.ts';
import { decodeDateTime, type CosemDateTime } from './datetime.ts';
import { DlmsDecodeError, DlmsUnsupportedError } from './errors.ts';
import { formatObis, parseObis } from './obis.ts';

export interface DataNotification {
  type: 'data-notification';
  invokeId: number;
  dateTime: CosemDateTime | null;
  body: DlmsData;
}

export interface EventNotification {
  type: 'event-notification';
  dateTime: CosemDateTime | null;
  classId: number;
  obis: string;
  attribute: number;
  value: DlmsData;
}

export interface GetRequest {
  type: 'get-request';
  invokeIdAndPriority: number;
  classId: number;
  obis: string;
  attribute: number;
}

export interface GetRequestNext {
  type: 'get-request-next';
  invokeIdAndPriority: number;
  block: number;
}

/** A GET result: the value, or a Data-Access-Result code (4 = object-undefined …). */
export type GetResult = { ok: true; data: DlmsData } | { ok: false; error: number };

export interface GetResponse {
  type: 'get-response';
  invokeIdAndPriority: number;
  result: GetResult;
}

export interface GetResponseBlock {
  type: 'get-response-block';
  invokeIdAndPriority: number;
  last: boolean;
  block: number;
  result: { ok: true; raw: Buffer } | { ok: false; error: number };
}

export interface GetResponseList {
  type: 'get-response-list';
  invokeIdAndPriority: number;
  results: GetResult[];
}

export interface InitiateParams {
  dlmsVersion: number;
  conformance: number;
  maxPdu: number;
}

export interface Association {
  type: 'aarq' | 'aare';
  /** Last arc of the application context name: 1 LN, 2 SN, 3 LN ciphered, 4 SN ciphered. */
  applicationContext: number | null;
  /** AARE: 0 accepted, 1 rejected-permanent, 2 rejected-transient. */
  result: number | null;
  diagnostic: number | null;
  /** AARQ: authentication mechanism (1 = LLS, 2 = HLS, 5 = HLS-GMAC). */
  mechanism: number | null;
  password: Buffer | null;
  initiate: InitiateParams | null;
  /** The user-information held a ciphered or unknown InitiateRequest/Response. */
  userInformationTag: number | null;
}

export interface Ciphered {
  type: 'ciphered';
  /** Tag of the envelope: 0xDB general-glo, 0xDC general-ded, 0xC8… service-specific glo/ded. */
  tag: number;
  /** Present in general-glo/ded-ciphering; service-specific APDUs take it from the association. */
  systemTitle: Buffer | null;
  securityControl: number;
  frameCounter: number;
  /** Ciphertext followed by the tag when the security control asks for one. */
  payload: Buffer;
}

export interface ExceptionResponse {
  type: 'exception-response';
  stateError: number;
  serviceError: number;
}

export interface OtherApdu {
  type: 'release-request' | 'release-response' | 'confirmed-service-error';
  raw: Buffer;
}

export type Apdu =
  | DataNotification
  | EventNotification
  | GetRequest
  | GetRequestNext
  | GetResponse
  | GetResponseBlock
  | GetResponseList
  | Association
  | Ciphered
  | ExceptionResponse
  | OtherApdu;

const SERVICE_CIPHERED = new Set([0x21, 0x28, 0xc8, 0xc9, 0xca, 0xcb, 0xcc, 0xcd, 0xcf, 0xd0, 0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd7]);

/** Decode one APDU; unsupported or malformed input is a DlmsDecodeError naming the problem. */
export function decodeApdu(apdu: Buffer): Apdu {
  const c = new Cursor(apdu);
  const tag = c.u8();
  switch (tag) {
    case 0x0f:
      return decodeDataNotification(c);
    case 0xc2:
      return decodeEventNotification(c);
    case 0xc0:
      return decodeGetRequest(c);
    case 0xc4:
      return decodeGetResponse(c);
    case 0x60:
    case 0x61:
      return decodeAssociation(apdu);
    case 0x62:
      return { type: 'release-request', raw: apdu };
    case 0x63:
      return { type: 'release-response', raw: apdu };
    case 0x0e:
      return { type: 'confirmed-service-error', raw: apdu };
    case 0xd8:
      return { type: 'exception-response', stateError: c.u8(), serviceError: c.u8() };
    case 0xdb:
    case 0xdc: {
      const stLen = c.length();
      if (stLen !== 8) throw new DlmsDecodeError(`system title of ${stLen} bytes, expected 8`);
      const systemTitle = Buffer.from(c.bytes(8));
      return decodeCipheredContent(c, tag, systemTitle);
    }
    default:
      if (SERVICE_CIPHERED.has(tag)) return decodeCipheredContent(c, tag, null);
      throw new DlmsUnsupportedError(`unsupported APDU tag 0x${tag.toString(16).padStart(2, '0')}`);
  }
}

function decodeCipheredContent(c: Cursor, tag: number, systemTitle: Buffer | null): Ciphered {
  const len = c.length();
  if (len < 5) throw new DlmsDecodeError(`ciphered APDU content of ${len} bytes is too short`);
  const content = new Cursor(c.bytes(len), 'ciphered APDU');
  const securityControl = content.u8();
  const frameCounter = content.u32();
  return { type: 'ciphered', tag, systemTitle, securityControl, frameCounter, payload: Buffer.from(content.rest()) };
}

function decodeDataNotification(c: Cursor): DataNotification {
  const invokeId = c.u32();
  let dtLen = c.u8();
  // Norwegian Kaifa puts an octet-string type tag in front of the length.
  if (dtLen === 0x09 && c.remaining > 0 && c.buf[c.pos] === 0x0c) dtLen = c.u8();
  if (dtLen !== 0 && dtLen !== 12) throw new DlmsDecodeError(`data-notification date-time of ${dtLen} bytes, expected 0 or 12`);
  const dateTime = dtLen === 12 ? decodeDateTime(c.bytes(12)) : null;
  const body = readData(c);
  return { type: 'data-notification', invokeId, dateTime, body };
}

function decodeEventNotification(c: Cursor): EventNotification {
  let dateTime: CosemDateTime | null = null;
  if (c.u8() === 1) {
    const len = c.length();
    if (len !== 12) throw new DlmsDecodeError(`event-notification time of ${len} bytes, expected 12`);
    dateTime = decodeDateTime(c.bytes(12));
  }
  const classId = c.u16();
  const obis = formatObis(c.bytes(6));
  const attribute = c.i8();
  return { type: 'event-notification', dateTime, classId, obis, attribute, value: readData(c) };
}

function decodeGetRequest(c: Cursor): GetRequest | GetRequestNext {
  const choice = c.u8();
  const iip = c.u8();
  if (choice === 2) return { type: 'get-request-next', invokeIdAndPriority: iip, block: c.u32() };
  if (choice !== 1) throw new DlmsDecodeError(`unsupported get-request choice ${choice}`);
  return { type: 'get-request', invokeIdAndPriority: iip, classId: c.u16(), obis: formatObis(c.bytes(6)), attribute: c.i8() };
}

function readGetResult(c: Cursor): GetResult {
  const choice = c.u8();
  if (choice === 0) return { ok: true, data: readData(c) };
  if (choice === 1) return { ok: false, error: c.u8() };
  throw new DlmsDecodeError(`get-response result choice ${choice} is neither data (0) nor data-access-result (1)`);
}

function decodeGetResponse(c: Cursor): GetResponse | GetResponseBlock | GetResponseList {
  const choice = c.u8();
  const iip = c.u8();
  if (choice === 1) return { type: 'get-response', invokeIdAndPriority: iip, result: readGetResult(c) };
  if (choice === 2) {
    const last = c.u8() !== 0;
    const block = c.u32();
    const r = c.u8();
    if (r === 0)
      return {
        type: 'get-response-block',
        invokeIdAndPriority: iip,
        last,
        block,
        result: { ok: true, raw: Buffer.from(c.bytes(c.length())) },
      };
    if (r === 1) return { type: 'get-response-block', invokeIdAndPriority: iip, last, block, result: { ok: false, error: c.u8() } };
    throw new DlmsDecodeError(`get-response-with-datablock result choice ${r}`);
  }
  if (choice === 3) {
    const count = c.length();
    const results: GetResult[] = [];
    for (let i = 0; i < count; i++) results.push(readGetResult(c));
    return { type: 'get-response-list', invokeIdAndPriority: iip, results };
  }
  throw new DlmsDecodeError(`unsupported get-response choice ${choice}`);
}

/** BER length (ACSE is BER, not A-XDR; the forms coincide for what meters send). */
function berTlvs(buf: Buffer): { tag: number; value: Buffer }[] {
  const c = new Cursor(buf, 'ACSE');
  const out: { tag: number; value: Buffer }[] = [];
  while (c.remaining > 0) {
    const tag = c.u8();
    out.push({ tag, value: c.bytes(c.length()) });
  }
  return out;
}

function berInteger(value: Buffer): number | null {
  const inner = berTlvs(value).find((t) => t.tag === 0x02);
  if (!inner || inner.value.length === 0) return null;
  return inner.value.readUIntBE(0, Math.min(inner.value.length, 6));
}

function decodeAssociation(apdu: Buffer): Association {
  const outer = new Cursor(apdu, 'ACSE');
  const tag = outer.u8();
  const body = outer.bytes(outer.length());
  const a: Association = {
    type: tag === 0x60 ? 'aarq' : 'aare',
    applicationContext: null,
    result: null,
    diagnostic: null,
    mechanism: null,
    password: null,
    initiate: null,
    userInformationTag: null,
  };
  for (const t of berTlvs(body)) {
    switch (t.tag) {
      case 0xa1: {
        const oid = berTlvs(t.value).find((x) => x.tag === 0x06);
        const context = oid?.value.at(-1);
        if (context !== undefined) a.applicationContext = context;
        break;
      }
      case 0xa2:
        a.result = berInteger(t.value);
        break;
      case 0xa3: {
        const choice = berTlvs(t.value)[0];
        a.diagnostic = choice ? berInteger(choice.value) : null;
        break;
      }
      case 0x8b:
        a.mechanism = t.value.at(-1) ?? null;
        break;
      case 0xac: {
        const pw = berTlvs(t.value).find((x) => x.tag === 0x80);
        a.password = pw ? Buffer.from(pw.value) : null;
        break;
      }
      case 0xbe: {
        const octets = berTlvs(t.value).find((x) => x.tag === 0x04);
        const tag = octets?.value[0];
        if (octets && tag !== undefined) {
          a.userInformationTag = tag;
          a.initiate = decodeInitiate(octets.value);
        }
        break;
      }
    }
  }
  return a;
}

/** InitiateRequest (0x01) or InitiateResponse (0x08); null for ciphered or other content. */
function decodeInitiate(buf: Buffer): InitiateParams | null {
  const c = new Cursor(buf, 'Initiate');
  const tag = c.u8();
  if (tag === 0x01) {
    if (c.u8() === 1) c.bytes(c.length());
    if (c.u8() === 1) c.u8();
    if (c.u8() === 1) c.u8();
  } else if (tag === 0x08) {
    if (c.u8() === 1) c.u8();
  } else {
    return null;
  }
  const dlmsVersion = c.u8();
  const conf = c.bytes(3 + 4);
  if (conf[0] !== 0x5f || conf[1] !== 0x1f) throw new DlmsDecodeError('Initiate conformance block is not tagged 5F 1F');
  return { dlmsVersion, conformance: conf.readUIntBE(4, 3), maxPdu: c.u16() };
}

const LN_CONTEXT = Buffer.from([0xa1, 0x09, 0x06, 0x07, 0x60, 0x85, 0x74, 0x05, 0x08, 0x01, 0x01]);
/** Conformance: get, block-transfer-with-get, selective-access, action, set, attribute0… as common clients send. */
export const DEFAULT_CONFORMANCE = 0x007e1f;

/** AARQ for the LN context without ciphering; with `password`, lowest-level security (LLS). */
export function encodeAarq(opts: { password?: Buffer; conformance?: number; maxPdu?: number } = {}): Buffer {
  const parts: Buffer[] = [LN_CONTEXT];
  if (opts.password) {
    parts.push(Buffer.from([0x8a, 0x02, 0x07, 0x80, 0x8b, 0x07, 0x60, 0x85, 0x74, 0x05, 0x08, 0x02, 0x01]));
    parts.push(
      Buffer.concat([
        Buffer.from([0xac]),
        encodeLength(opts.password.length + 2),
        Buffer.from([0x80]),
        encodeLength(opts.password.length),
        opts.password,
      ]),
    );
  }
  const conf = opts.conformance ?? DEFAULT_CONFORMANCE;
  const max = opts.maxPdu ?? 0xffff;
  const initiate = Buffer.from([
    0x01,
    0x00,
    0x00,
    0x00,
    0x06,
    0x5f,
    0x1f,
    0x04,
    0x00,
    (conf >> 16) & 0xff,
    (conf >> 8) & 0xff,
    conf & 0xff,
    max >> 8,
    max & 0xff,
  ]);
  parts.push(Buffer.concat([Buffer.from([0xbe, initiate.length + 2, 0x04, initiate.length]), initiate]));
  const body = Buffer.concat(parts);
  return Buffer.concat([Buffer.from([0x60]), encodeLength(body.length), body]);
}

/** RLRQ with reason "normal". */
export function encodeReleaseRequest(): Buffer {
  return Buffer.from([0x62, 0x03, 0x80, 0x01, 0x00]);
}

/** get-request-normal for one attribute, no selective access. */
export function encodeGetRequest(invokeIdAndPriority: number, classId: number, obis: string, attribute: number): Buffer {
  const b = Buffer.alloc(13);
  b[0] = 0xc0;
  b[1] = 0x01;
  b[2] = invokeIdAndPriority;
  b.writeUInt16BE(classId, 3);
  parseObis(obis).copy(b, 5);
  b.writeInt8(attribute, 11);
  b[12] = 0x00;
  return b;
}

export function encodeGetRequestNext(invokeIdAndPriority: number, block: number): Buffer {
  const b = Buffer.from([0xc0, 0x02, invokeIdAndPriority, 0, 0, 0, 0]);
  b.writeUInt32BE(block, 3);
  return b;
}

/** Data-Access-Result names for messages. */
export const DATA_ACCESS_RESULT: Record<number, string> = {
  0: 'success',
  1: 'hardware-fault',
  2: 'temporary-failure',
  3: 'read-write-denied',
  4: 'object-undefined',
  9: 'object-class-inconsistent',
  11: 'object-unavailable',
  12: 'type-unmatched',
  13: 'scope-of-access-violated',
  14: 'data-block-unavailable',
  15: 'long-get-aborted',
  16: 'no-long-get-in-progress',
  17: 'long-set-aborted',
  18: 'no-long-set-in-progress',
  19: 'data-block-number-invalid',
  250: 'other-reason',
};
