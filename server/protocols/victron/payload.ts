/**
 * Venus OS MQTT payloads (victron-venus-mqtt.md §2, §3): `{"value": x}` with optional
 * `min`/`max`, zero bytes when a device left the bus, and the keep-alive request bodies.
 */

import { parseBoundedJson } from '../json/boundedJson.ts';

export type GxValue = number | string | boolean | null | GxValue[];

export type DecodedPayload =
  /** Zero-byte payload: the device left the D-Bus (or dbus-mqtt cleared it on a keep-alive timeout). */
  { kind: 'gone' } | { kind: 'value'; value: GxValue; min?: number; max?: number; echo?: string } | { kind: 'invalid'; error: string };

function isGxValue(v: unknown): v is GxValue {
  if (v === null || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return true;
  return Array.isArray(v) && v.every(isGxValue);
}

/** The largest real payloads (lists of a few dozen values) are a few kB and nest 2 deep. */
export const PAYLOAD_LIMITS = { maxLength: 64 * 1024, maxDepth: 16 };

/** Decode one notification payload. Never throws: bad input comes back as `invalid` with the reason. */
export function decodePayload(payload: Uint8Array | string): DecodedPayload {
  // Checked before decoding, so a huge payload is never turned into a string.
  if (payload.length > PAYLOAD_LIMITS.maxLength) {
    return { kind: 'invalid', error: `the payload is ${payload.length} bytes long, more than ${PAYLOAD_LIMITS.maxLength}` };
  }
  const text = typeof payload === 'string' ? payload : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('utf8');
  if (text.length === 0) return { kind: 'gone' };
  const parsed = parseBoundedJson(text, PAYLOAD_LIMITS, 'the payload');
  if (!parsed.ok) {
    return { kind: 'invalid', error: parsed.error.endsWith('not JSON') ? `not JSON: ${JSON.stringify(text.slice(0, 40))}` : parsed.error };
  }
  const json = parsed.value;
  if (typeof json !== 'object' || json === null || Array.isArray(json) || !('value' in json)) {
    return { kind: 'invalid', error: 'not an object with a "value" field' };
  }
  const obj = json as Record<string, unknown>;
  if (!isGxValue(obj.value)) return { kind: 'invalid', error: '"value" is not a number, text, boolean, list or null' };
  const out: DecodedPayload = { kind: 'value', value: obj.value };
  if (typeof obj.min === 'number' && Number.isFinite(obj.min)) out.min = obj.min;
  if (typeof obj.max === 'number' && Number.isFinite(obj.max)) out.max = obj.max;
  const echo = obj['full-publish-completed-echo'];
  if (typeof echo === 'string') out.echo = echo;
  return out;
}

/** Body of a `W/` request. Integral numbers stay integral so flashmq maps them to integer D-Bus types. */
export function encodeWrite(value: number | string | boolean): string {
  if (typeof value === 'number' && !Number.isFinite(value)) throw new Error(`cannot write ${value}`);
  return JSON.stringify({ value });
}

/**
 * Keep-alive bodies.
 * - `full`: empty payload; a full republish on flashmq, "everything" on dbus-mqtt.
 * - `suppress`: flashmq only; extends the keep-alive without a republish.
 * - `echo`: flashmq ≥ 3.50; full republish whose end marker carries `token`.
 * - `topics`: dbus-mqtt ≥ 2.80; keeps only these filters alive.
 */
export type KeepaliveRequest =
  | { kind: 'full' }
  | { kind: 'suppress' }
  | { kind: 'echo'; token: string }
  | { kind: 'topics'; filters: string[] };

export function encodeKeepalive(req: KeepaliveRequest): string {
  switch (req.kind) {
    case 'full':
      return '';
    case 'suppress':
      return JSON.stringify({ 'keepalive-options': ['suppress-republish'] });
    case 'echo':
      return JSON.stringify({ 'keepalive-options': [{ 'full-publish-completed-echo': req.token }] });
    case 'topics':
      return JSON.stringify(req.filters);
  }
}
