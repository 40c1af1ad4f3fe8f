/**
 * Where config.yaml's Supervisor schema and the zod options schema disagree: keys
 * (recursively, list items included), types, and which fields may be left out.
 */
import { parseType, type SchemaElement, type ScalarType, type SupervisorSchema } from './supervisorOptions.ts';
import type { ZodField } from './zodFields.ts';

/**
 * `zodOptions` describes the whole options object; device lists there hold unknown items,
 * whose schemas come from `zodItems` (server/options/schema.ts `deviceSchemas`).
 */
export function agreementProblems(
  schema: SupervisorSchema,
  defaults: Record<string, unknown>,
  zodOptions: ZodField,
  zodItems: Record<string, ZodField>,
): string[] {
  const problems: string[] = [];
  compareDict(schema, zodOptions.shape ?? {}, '', 'options', defaults, zodItems, problems);
  return problems;
}

type Context = 'options' | 'item';

function compareDict(
  sup: { [key: string]: SchemaElement },
  zod: Record<string, ZodField>,
  prefix: string,
  context: Context,
  defaults: Record<string, unknown> | undefined,
  zodItems: Record<string, ZodField>,
  problems: string[],
): void {
  for (const key of new Set([...Object.keys(sup), ...Object.keys(zod)])) {
    const at = `${prefix}${key}`;
    const s = sup[key];
    const z = zod[key];
    if (s === undefined) problems.push(`${at}: in the zod schema but not in config.yaml`);
    else if (z === undefined) problems.push(`${at}: in config.yaml but not in the zod schema`);
    else compareElement(s, z, at, context, defaults, key, zodItems, problems);
  }
}

function compareElement(
  sup: SchemaElement,
  zod: ZodField,
  at: string,
  context: Context,
  defaults: Record<string, unknown> | undefined,
  key: string,
  zodItems: Record<string, ZodField>,
  problems: string[],
): void {
  const hasDefault = defaults !== undefined && key in defaults;
  if (Array.isArray(sup)) {
    if (zod.kind !== 'array') return void problems.push(`${at}: a list in config.yaml, ${zod.kind} in zod`);
    checkPresence(at, context, zod, false, hasDefault, problems);
    const element = zod.element?.kind === 'other' ? zodItems[key] : zod.element;
    if (!element) return void problems.push(`${at}: zod does not say what its items are (no deviceSchemas entry)`);
    const item = sup[0];
    if (typeof item === 'object' && !Array.isArray(item)) {
      if (element.kind !== 'object') return void problems.push(`${at}[]: a dict in config.yaml, ${element.kind} in zod`);
      compareDict(item, element.shape ?? {}, `${at}[].`, 'item', undefined, zodItems, problems);
    } else if (typeof item === 'string') {
      compareScalar(item, element, `${at}[]`, problems);
    } else problems.push(`${at}: a list of lists`);
    return;
  }
  if (typeof sup === 'object') {
    if (zod.kind !== 'object') return void problems.push(`${at}: a dict in config.yaml, ${zod.kind} in zod`);
    checkPresence(at, context, zod, false, hasDefault, problems);
    const nested = hasDefault ? (defaults![key] as Record<string, unknown>) : undefined;
    compareDict(sup, zod.shape ?? {}, `${at}.`, context, nested ?? {}, zodItems, problems);
    return;
  }
  const t = parseType(sup);
  if (!t) return void problems.push(`${at}: unknown Supervisor type "${sup}"`);
  checkPresence(at, context, zod, t.optional, hasDefault, problems);
  compareScalar(sup, zod, at, problems);
}

/**
 * The Supervisor requires every option that has a default or no `?`; zod fills its own
 * defaults. So: a zod default ⇔ a config.yaml default (top level and dicts); a list item
 * field zod may miss ⇔ `?`.
 */
function checkPresence(at: string, context: Context, zod: ZodField, supOptional: boolean, hasDefault: boolean, problems: string[]): void {
  if (context === 'item') {
    if (supOptional !== zod.optional)
      problems.push(`${at}: ${supOptional ? 'optional' : 'required'} in config.yaml, ${zod.optional ? 'optional' : 'required'} in zod`);
    return;
  }
  if (zod.hasDefault && !hasDefault) problems.push(`${at}: zod has a default, config.yaml's options do not`);
  if (!zod.hasDefault && hasDefault) problems.push(`${at}: config.yaml has a default, zod does not`);
  if (hasDefault && supOptional) problems.push(`${at}: has a default, so the Supervisor requires it: drop the "?"`);
  if (zod.optional && !zod.hasDefault && !supOptional) problems.push(`${at}: optional in zod, required in config.yaml`);
}

function compareScalar(sup: string, zod: ZodField, at: string, problems: string[]): void {
  const t = parseType(sup) as ScalarType;
  const mismatch = (why: string) => problems.push(`${at}: ${sup} in config.yaml vs ${describe(zod)} in zod: ${why}`);
  const bounds = (min: number | undefined, max: number | undefined) => {
    if (zod.min !== min || zod.max !== max)
      mismatch(`bounds differ (${min ?? '-'}..${max ?? '-'} vs ${zod.min ?? '-'}..${zod.max ?? '-'})`);
  };
  switch (t.kind) {
    case 'bool':
      if (zod.kind !== 'boolean') mismatch('not a boolean');
      return;
    case 'port':
      if (zod.kind !== 'number' || !zod.int) return void mismatch('not an integer');
      bounds(1, 65535);
      return;
    case 'int':
      if (zod.kind === 'literals' && zod.values!.every((v) => typeof v === 'number')) {
        const values = zod.values as number[];
        if (t.min !== Math.min(...values) || t.max !== Math.max(...values)) mismatch('bounds are not the smallest and largest value');
        return;
      }
      if (zod.kind !== 'number' || !zod.int) return void mismatch('not an integer');
      bounds(t.min, t.max);
      return;
    case 'float':
      if (zod.kind !== 'number') return void mismatch('not a number');
      if (zod.int) mismatch('zod wants an integer');
      bounds(t.min, t.max);
      return;
    case 'str':
      if (zod.kind !== 'string') return void mismatch('not a string');
      if (zod.patterns!.length > 0) mismatch('zod has a pattern: use match(...)');
      return;
    case 'password':
      if (zod.kind !== 'string') mismatch('not a string');
      return;
    case 'match':
      if (zod.kind !== 'string') return void mismatch('not a string');
      // A normalising transform (e.g. dashes dropped) checks its pattern afterwards: the
      // samples in the tests show both schemas accept and refuse the same values.
      if (!zod.transformed && !zod.patterns!.includes(t.pattern!)) mismatch('different regular expression');
      return;
    case 'list': {
      if (zod.kind !== 'enum') return void mismatch('list() delivers strings: zod needs an enum of the same strings');
      const same = zod.values!.length === t.values!.length && t.values!.every((v) => zod.values!.includes(v));
      if (!same) mismatch('different values');
      return;
    }
    default:
      mismatch('type not used by Wattwire');
  }
}

function describe(zod: ZodField): string {
  if (zod.values) return `${zod.kind}(${zod.values.join('|')})`;
  return zod.kind + (zod.int ? '(int)' : '');
}
