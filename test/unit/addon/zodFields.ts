/**
 * A plain description of a zod schema (zod 4 internals), so that a test can compare it
 * with config.yaml's Supervisor schema field by field.
 */
import type * as z from 'zod';

export interface ZodField {
  kind: 'string' | 'number' | 'boolean' | 'enum' | 'literals' | 'object' | 'array' | 'other';
  /** A missing value is accepted (optional or defaulted). */
  optional: boolean;
  hasDefault: boolean;
  /** The value is transformed (normalised) before its final checks, which are not described. */
  transformed?: boolean;
  values?: (string | number)[];
  int?: boolean;
  min?: number;
  max?: number;
  /** Regular expressions the string must match (sources). */
  patterns?: string[];
  shape?: Record<string, ZodField>;
  element?: ZodField;
}

interface Def {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  options?: z.ZodType[];
  values?: (string | number)[];
  entries?: Record<string, string | number>;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  checks?: { _zod: { def: { check: string; format?: string; pattern?: RegExp } } }[];
}

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

export function describeZod(schema: z.ZodType): ZodField {
  let optional = false;
  let hasDefault = false;
  let transformed = false;
  let s = schema;
  for (;;) {
    const def = defOf(s);
    if (def.type === 'optional' || def.type === 'nullable' || def.type === 'readonly') {
      optional ||= def.type === 'optional';
      s = def.innerType!;
    } else if (def.type === 'default' || def.type === 'prefault') {
      optional = true;
      hasDefault = true;
      s = def.innerType!;
    } else if (def.type === 'pipe') {
      // z.preprocess(fn, t) is a pipe from a transform: its input is whatever t takes.
      if (defOf(def.in!).type === 'transform') s = def.out!;
      else {
        transformed = true;
        s = def.in!;
      }
    } else break;
  }
  const def = defOf(s);
  const base = { optional, hasDefault, ...(transformed ? { transformed } : {}) };
  switch (def.type) {
    case 'string': {
      const patterns = (def.checks ?? [])
        .map((c) => c._zod.def)
        .filter((c) => c.check === 'string_format' && c.format === 'regex' && c.pattern)
        .map((c) => c.pattern!.source.replaceAll('\\/', '/')); // `/` needs no escape outside a literal
      const str = s as unknown as { minLength: number | null; maxLength: number | null };
      return { ...base, kind: 'string', patterns, min: str.minLength ?? undefined, max: str.maxLength ?? undefined };
    }
    case 'number': {
      const n = s as unknown as { minValue: number | null; maxValue: number | null; isInt: boolean };
      const finite = (v: number | null) => (v === null || !Number.isFinite(v) || Math.abs(v) >= Number.MAX_SAFE_INTEGER ? undefined : v);
      return { ...base, kind: 'number', int: n.isInt, min: finite(n.minValue), max: finite(n.maxValue) };
    }
    case 'boolean':
      return { ...base, kind: 'boolean' };
    case 'enum':
      return { ...base, kind: 'enum', values: Object.values(def.entries!) };
    case 'literal':
      return { ...base, kind: 'literals', values: [...def.values!] };
    case 'union': {
      const parts = def.options!.map(describeZod);
      if (parts.every((p) => p.kind === 'literals')) return { ...base, kind: 'literals', values: parts.flatMap((p) => p.values!) };
      return { ...base, kind: 'other' };
    }
    case 'object':
      return { ...base, kind: 'object', shape: Object.fromEntries(Object.entries(def.shape!).map(([k, v]) => [k, describeZod(v)])) };
    case 'array':
      return { ...base, kind: 'array', element: describeZod(def.element!) };
    default:
      return { ...base, kind: 'other' };
  }
}
