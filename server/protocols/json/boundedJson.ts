/**
 * JSON from a device, checked for size and nesting in one linear pass before `JSON.parse`, so
 * a hostile answer gets a clear error instead of a huge allocation or a stack overflow in the
 * code that walks the result.
 */

export interface JsonLimits {
  /** Longest text accepted, in UTF-16 code units (bytes for ASCII JSON). */
  maxLength: number;
  /** Deepest nesting of arrays and objects accepted. */
  maxDepth: number;
}

export type JsonResult = { ok: true; value: unknown } | { ok: false; error: string };

const OPEN_ARRAY = 0x5b;
const OPEN_OBJECT = 0x7b;
const CLOSE_ARRAY = 0x5d;
const CLOSE_OBJECT = 0x7d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Deepest nesting outside strings, examining each code unit once; stops as soon as `limit`
 * is exceeded. Malformed text is left for `JSON.parse` to name.
 */
export function jsonDepth(text: string, limit: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      if (++depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) depth--;
  }
  return deepest;
}

/** Parse `text` as JSON within `limits`; `what` names the source in errors ("the DXS answer"). */
export function parseBoundedJson(text: string, limits: JsonLimits, what: string): JsonResult {
  if (text.length > limits.maxLength) return { ok: false, error: `${what} is ${text.length} bytes long, more than ${limits.maxLength}` };
  if (jsonDepth(text, limits.maxDepth) > limits.maxDepth) {
    return { ok: false, error: `${what} nests lists or objects more than ${limits.maxDepth} deep` };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, error: `${what} is not JSON` };
  }
}
