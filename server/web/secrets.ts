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

/**
 * Put the stored secrets back where an edited copy still holds the placeholder it was
 * given (same path in `stored`). A placeholder with nothing stored behind it is dropped.
 */
export function restoreSecrets(edited: unknown, stored: unknown, placeholder: string): unknown {
  if (Array.isArray(edited)) {
    const storedList = Array.isArray(stored) ? stored : [];
    return edited.map((v, i) => restoreSecrets(v, storedList[i], placeholder));
  }
  if (edited === null || typeof edited !== 'object') return edited;
  const storedObj = stored !== null && typeof stored === 'object' && !Array.isArray(stored) ? (stored as Record<string, unknown>) : {};
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(edited)) {
    if (v === placeholder) {
      if (storedObj[k] !== undefined) out[k] = storedObj[k];
      continue;
    }
    out[k] = restoreSecrets(v, storedObj[k], placeholder);
  }
  return out;
}
