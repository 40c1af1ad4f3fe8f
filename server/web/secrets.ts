/**
 * Secrets in options, diagnostics and logs: passwords, keys and tokens are replaced
 * before anything leaves the bridge (UI, diagnostics bundle).
 */

/**
 * Field names that hold secrets: anything named like a password, key, token or secret.
 * A field named exactly `key` is the register key of a register table, not a secret.
 */
const SECRET_NAME = /passw(or)?d|passphrase|key|token|secret|credential/i;
const PRIVATE_KEY_PEM = /-----BEGIN ([A-Z ]*)PRIVATE KEY-----[\s\S]*?(-----END \1PRIVATE KEY-----|$)/g;

export const REDACTED = '[redacted]';

export function isSecretName(name: string): boolean {
  return name !== 'key' && SECRET_NAME.test(name);
}

/**
 * A deep copy with every value under a secret-named field replaced by `replacement`
 * (unset values stay unset, so one can still see that none was given) and private-key
 * PEM blocks cut out of any text.
 */
export function redactSecrets<T>(value: T, replacement: string = REDACTED): T {
  return walk(value, replacement, new WeakSet()) as T;
}

function walk(value: unknown, replacement: string, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return value.includes('PRIVATE KEY-----') ? value.replace(PRIVATE_KEY_PEM, replacement) : value;
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  let out: unknown;
  if (Array.isArray(value)) {
    out = value.map((v) => walk(v, replacement, seen));
  } else {
    const obj: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      obj[k] = isSecretName(k) && v !== undefined && v !== null && v !== '' ? replacement : walk(v, replacement, seen);
    }
    out = obj;
  }
  seen.delete(value);
  return out;
}

/** A placeholder came back where no stored secret belongs to that device. */
export class SecretRestoreError extends Error {}

/** Fields that, without an `id`, tell one device entry of a list from another. */
const IDENTITY_FIELDS = ['address', 'system_title', 'lfdi', 'portal_id', 'serial_port', 'host', 'port'];

/**
 * What identifies a device entry: its `id`, else the fields naming the device it talks
 * to. A secret follows this identity, never a list position, so it can only ever be sent
 * to the device it was given for.
 */
export function deviceIdentity(item: unknown): string | undefined {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) return undefined;
  const fields = item as Record<string, unknown>;
  if (typeof fields.id === 'string' && fields.id !== '') return `id=${fields.id}`;
  const parts = IDENTITY_FIELDS.filter((f) => fields[f] !== undefined && fields[f] !== null && fields[f] !== '').map(
    (f) => `${f}=${String(fields[f])}`,
  );
  return parts.length > 0 ? parts.join('&') : undefined;
}

/**
 * Put the stored secrets back where an edited copy still holds the placeholder it was
 * given: in objects at the same path, in lists in the stored entry of the same device
 * (`deviceIdentity`). A placeholder with no stored secret of that device behind it is
 * refused with the field named, rather than guessed.
 */
export function restoreSecrets(edited: unknown, stored: unknown, placeholder: string, where = ''): unknown {
  if (Array.isArray(edited)) {
    const byIdentity = storedByIdentity(Array.isArray(stored) ? stored : []);
    return edited.map((v, i) => {
      const identity = deviceIdentity(v);
      return restoreSecrets(v, identity === undefined ? undefined : byIdentity.get(identity), placeholder, `${where}[${i}]`);
    });
  }
  if (edited === null || typeof edited !== 'object') return edited;
  const storedObj = stored !== null && typeof stored === 'object' && !Array.isArray(stored) ? (stored as Record<string, unknown>) : {};
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(edited)) {
    const path = where ? `${where}.${k}` : k;
    if (v === placeholder && isSecretName(k)) {
      if (storedObj[k] === undefined) {
        throw new SecretRestoreError(
          `${path}: there is no stored value for this device (is it new, or did its id or address change?); enter it again`,
        );
      }
      out[k] = storedObj[k];
      continue;
    }
    out[k] = restoreSecrets(v, storedObj[k], placeholder, path);
  }
  return out;
}

/** Stored entries by identity; two entries with the same identity give neither away. */
function storedByIdentity(list: unknown[]): Map<string, unknown> {
  const map = new Map<string, unknown>();
  const seen = new Set<string>();
  for (const item of list) {
    const identity = deviceIdentity(item);
    if (identity === undefined) continue;
    if (seen.has(identity)) map.delete(identity);
    else map.set(identity, item);
    seen.add(identity);
  }
  return map;
}
