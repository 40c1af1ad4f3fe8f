/**
 * Keys the options do not know (a typo such as `hostname`) are ignored by the schema; they
 * are reported once each, with the known key they most likely meant.
 */
import { closestKey } from './closestKey.ts';
import { deviceLabel } from './deviceLabel.ts';
import { deviceSchemas, optionsSchema, sectionSchemas } from './schema.ts';

/** A file with thousands of stray keys gets this many lines per object, then a count. */
const MAX_REPORTED = 10;
const MAX_SHOWN_KEY = 64;

export interface OptionProblem {
  where: string;
  message: string;
}

export function unknownKeyWarnings(raw: unknown): OptionProblem[] {
  if (!isPlainObject(raw)) return [];
  const out = unknownIn(raw, Object.keys(optionsSchema.shape), '(options)');
  for (const [key, schema] of Object.entries(sectionSchemas)) {
    if (isPlainObject(raw[key])) out.push(...unknownIn(raw[key], Object.keys(schema.shape), key));
  }
  for (const [key, schema] of Object.entries(deviceSchemas)) {
    const list = raw[key];
    if (!Array.isArray(list)) continue;
    list.forEach((item, index) => {
      if (isPlainObject(item)) out.push(...unknownIn(item, Object.keys(schema.shape), deviceLabel(key, index, item)));
    });
  }
  return out;
}

function unknownIn(value: Record<string, unknown>, known: readonly string[], where: string): OptionProblem[] {
  const unknown = Object.keys(value).filter((key) => !known.includes(key));
  const out = unknown.slice(0, MAX_REPORTED).map((key) => {
    const closest = closestKey(key, known);
    const shown = JSON.stringify(key.length > MAX_SHOWN_KEY ? `${key.slice(0, MAX_SHOWN_KEY)}…` : key);
    return { where, message: `unknown option ${shown} is ignored${closest ? `; did you mean "${closest}"?` : ''}` };
  });
  if (unknown.length > MAX_REPORTED) {
    out.push({ where, message: `${unknown.length - MAX_REPORTED} more unknown options are ignored` });
  }
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
