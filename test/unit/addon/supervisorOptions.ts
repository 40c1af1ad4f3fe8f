/**
 * The Supervisor's add-on option checks, re-stated for tests (home-assistant/supervisor,
 * supervisor/apps/options.py and SCHEMA_ELEMENT in apps/validate.py): the type grammar,
 * the coercions it writes to /data/options.json, and its "missing option" rule.
 * `device`, `email` and `url` are not modelled: config.yaml does not use them.
 */

export type SchemaElement = string | SchemaElement[] | { [key: string]: SchemaElement };
export type SupervisorSchema = Record<string, SchemaElement>;

export interface ScalarType {
  kind: 'str' | 'password' | 'int' | 'float' | 'bool' | 'port' | 'match' | 'list' | 'email' | 'url' | 'device';
  optional: boolean;
  min?: number;
  max?: number;
  pattern?: string;
  values?: string[];
}

const SCALAR =
  /^(?:(?<kind>bool|email|url|port)|device(?:\((?<filter>subsystem=[a-z]+)\))?|(?<str>str|password)(?:\((?<smin>\d+)?,(?<smax>\d+)?\))?|int(?:\((?<imin>\d+)?,(?<imax>\d+)?\))?|float(?:\((?<fmin>[\d.]+)?,(?<fmax>[\d.]+)?\))?|match\((?<match>.*)\)|list\((?<list>.+)\))(?<opt>\?)?$/;

export function parseType(typ: string): ScalarType | undefined {
  const m = SCALAR.exec(typ);
  if (!m?.groups) return undefined;
  const g = m.groups;
  const optional = g.opt === '?';
  const num = (s: string | undefined) => (s === undefined ? undefined : Number(s));
  if (g.kind) return { kind: g.kind as ScalarType['kind'], optional };
  if (g.str) return { kind: g.str as 'str' | 'password', optional, min: num(g.smin), max: num(g.smax) };
  if (typ.startsWith('int')) return { kind: 'int', optional, min: num(g.imin), max: num(g.imax) };
  if (typ.startsWith('float')) return { kind: 'float', optional, min: num(g.fmin), max: num(g.fmax) };
  if (g.match !== undefined) return { kind: 'match', optional, pattern: g.match };
  if (g.list !== undefined) return { kind: 'list', optional, values: g.list.split('|') };
  return { kind: 'device', optional };
}

/** What the Supervisor would refuse in a `schema:` block (grammar, nesting). */
export function schemaProblems(schema: SupervisorSchema): string[] {
  const problems: string[] = [];
  const walk = (el: SchemaElement, at: string, depth: number, inList: boolean): void => {
    if (typeof el === 'string') {
      if (!parseType(el)) problems.push(`${at}: unknown type "${el}"`);
    } else if (Array.isArray(el)) {
      if (inList) problems.push(`${at}: a list may not directly contain a list`);
      if (el.length !== 1) problems.push(`${at}: a list schema holds exactly one element type`);
      if (depth >= 2) problems.push(`${at}: nested deeper than two levels`);
      for (const e of el) walk(e, `${at}[]`, depth + 1, true);
    } else {
      if (depth >= 2) problems.push(`${at}: nested deeper than two levels`);
      for (const [k, v] of Object.entries(el)) walk(v, `${at}.${k}`, depth + 1, false);
    }
  };
  for (const [k, v] of Object.entries(schema)) walk(v, k, 0, false);
  return problems;
}

export type CheckResult = { ok: true; value: Record<string, unknown> } | { ok: false; error: string };

class Invalid extends Error {}

/** Validate options as the Supervisor does before it writes /data/options.json. */
export function checkOptions(schema: SupervisorSchema, options: unknown): CheckResult {
  try {
    return { ok: true, value: validateDict(schema, options, 'root') };
  } catch (err) {
    if (err instanceof Invalid) return { ok: false, error: err.message };
    throw err;
  }
}

function validateElement(typ: SchemaElement, value: unknown, key: string): unknown {
  if (Array.isArray(typ)) {
    if (!Array.isArray(value)) throw new Invalid(`Invalid list for option '${key}'`);
    return value.map((v) => validateElement(typ[0]!, v, key));
  }
  if (typeof typ === 'object') return validateDict(typ, value, key);
  return validateScalar(typ, value, key);
}

function validateDict(typ: { [key: string]: SchemaElement }, value: unknown, key: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Invalid(`Invalid dict for option '${key}'`);
  const out: Record<string, unknown> = {};
  // Unknown keys are dropped (with a warning), not refused.
  for (const [k, v] of Object.entries(value)) if (k in typ) out[k] = validateElement(typ[k]!, v, k);
  for (const k of Object.keys(typ)) {
    if (k in out) continue;
    let el = typ[k];
    // "If it's a list then the value in the list decides if it's optional".
    if (Array.isArray(el) && el.length > 0) el = el[0];
    if (typeof el === 'string' && el.endsWith('?')) continue;
    throw new Invalid(`Missing option '${k}' in ${key}`);
  }
  return out;
}

function validateScalar(typ: string, value: unknown, key: string): unknown {
  if (value === null || value === undefined) throw new Invalid(`Missing required option '${key}'`);
  const t = parseType(typ);
  if (!t) throw new Invalid(`Unknown type '${typ}'`);
  const fail = (why: string): never => {
    throw new Invalid(`${why} for option '${key}'`);
  };
  const inRange = (n: number): number => {
    if ((t.min !== undefined && n < t.min) || (t.max !== undefined && n > t.max)) fail(`value ${n} out of range`);
    return n;
  };
  switch (t.kind) {
    case 'str':
    case 'password': {
      // The Supervisor compares the value with str(value): only real strings pass.
      if (typeof value !== 'string') return fail('expected str');
      const s = value;
      if ((t.min !== undefined && s.length < t.min) || (t.max !== undefined && s.length > t.max)) fail('length out of range');
      return s;
    }
    case 'int':
      return inRange(pyInt(value) ?? fail('expected int'));
    case 'float':
      return inRange(pyFloat(value) ?? fail('expected float'));
    case 'port': {
      const n = pyInt(value) ?? fail('expected port');
      if (n < 1 || n > 65535) fail('expected port');
      return n;
    }
    case 'bool':
      return pyBool(value) ?? fail('expected boolean');
    case 'match': {
      // Python's re.match: anchored at the start only.
      const s = pyStr(value);
      if (!new RegExp(`^(?:${t.pattern})`).test(s)) fail(`does not match regular expression ${t.pattern}`);
      return s;
    }
    case 'list': {
      const s = pyStr(value);
      if (!t.values!.includes(s)) fail(`value must be one of ${t.values!.join(', ')}`);
      return s;
    }
    default:
      throw new Error(`this checker does not model the type "${typ}"`);
  }
}

/** Python's int(value) as voluptuous' Coerce(int) applies it. */
function pyInt(value: unknown): number | undefined {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : undefined;
  if (typeof value === 'string' && /^\s*[+-]?\d+(_\d+)*\s*$/.test(value)) return Number(value.replace(/_/g, ''));
  return undefined;
}

function pyFloat(value: unknown): number | undefined {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i.test(value)) return Number(value);
  return undefined;
}

/** voluptuous' Boolean(): known words for strings, truthiness for everything else. */
function pyBool(value: unknown): boolean | undefined {
  if (typeof value === 'string') {
    const v = value.toLowerCase();
    if (['1', 'true', 'yes', 'on', 'enable'].includes(v)) return true;
    if (['0', 'false', 'no', 'off', 'disable'].includes(v)) return false;
    return undefined;
  }
  if (typeof value === 'number') return value !== 0;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object' && value !== null) return Object.keys(value).length > 0;
  return Boolean(value);
}

/** Python's str(value) for JSON values (enough to decide match() and list()). */
function pyStr(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return String(value);
  return JSON.stringify(value);
}
