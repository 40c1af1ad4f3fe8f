/**
 * The onboarding form of a kind of device, read from the JSON Schema of its options entry
 * that the server sends (`api/onboarding/kinds`): a field per property with a `title`,
 * in the schema's order. Nothing here is specific to a kind.
 */
import type { FieldSchema, ObjectSchema } from '../../server/web/onboardingView.ts';

export type InputKind = 'text' | 'password' | 'number' | 'checkbox' | 'select' | 'serial';

export interface FormField {
  key: string;
  label: string;
  input: InputKind;
  help?: string;
  placeholder?: string;
  required: boolean;
  /** Choices of a select; '' stands for "not set" when the field is optional. */
  options?: string[];
  /** Sent as a number (number inputs, selects of numbers). */
  numeric: boolean;
  initial: string | boolean;
}

export type FormValues = Record<string, string | boolean>;

export function formFields(schema: ObjectSchema): FormField[] {
  const required = new Set(schema.required ?? []);
  const fields: FormField[] = [];
  for (const [key, prop] of Object.entries(schema.properties)) {
    if (!prop.title) continue;
    fields.push(formField(key, prop, required.has(key)));
  }
  return fields;
}

function formField(key: string, prop: FieldSchema, required: boolean): FormField {
  const base = { key, label: prop.title ?? key, help: prop.description, placeholder: prop.placeholder, required };
  const choices =
    prop.enum ?? prop.anyOf?.map((c) => c.const).filter((c): c is string | number => c !== undefined && typeof c !== 'boolean');
  if (choices && choices.length > 0) {
    const options = choices.map(String);
    return {
      ...base,
      input: 'select',
      options: required || prop.default !== undefined ? options : ['', ...options],
      numeric: choices.every((c) => typeof c === 'number'),
      initial: prop.default === undefined ? (required ? (options[0] ?? '') : '') : String(prop.default),
    };
  }
  if (prop.type === 'boolean') return { ...base, input: 'checkbox', numeric: false, initial: prop.default === true };
  const numeric = prop.type === 'number' || prop.type === 'integer';
  const input: InputKind = numeric ? 'number' : prop.widget === 'password' ? 'password' : prop.widget === 'serial' ? 'serial' : 'text';
  return { ...base, input, numeric, initial: prop.default === undefined ? '' : String(prop.default) };
}

export function initialValues(fields: readonly FormField[]): FormValues {
  return Object.fromEntries(fields.map((f) => [f.key, f.initial]));
}

/** An options entry (a preset, a found or pending device) as form values. */
export function valuesOf(fields: readonly FormField[], config: Record<string, unknown>): FormValues {
  const values: FormValues = {};
  for (const f of fields) {
    const v = config[f.key];
    if (v === undefined || v === null) continue;
    values[f.key] = f.input === 'checkbox' ? v === true : String(v);
  }
  return values;
}

/**
 * Form values → the device's options entry: blanks left out, numbers as numbers, a
 * checkbox only when it differs from its default. Text that is not a number is sent as
 * typed, so that the server's refusal names the field.
 */
export function toConfig(fields: readonly FormField[], values: FormValues): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  for (const f of fields) {
    const v = values[f.key];
    if (f.input === 'checkbox') {
      if (typeof v === 'boolean' && v !== f.initial) config[f.key] = v;
      continue;
    }
    const text = typeof v === 'string' ? v.trim() : '';
    if (text === '') continue;
    const n = Number(text);
    config[f.key] = f.numeric && Number.isFinite(n) ? n : text;
  }
  return config;
}

/** Labels of the required fields still blank. */
export function missingFields(fields: readonly FormField[], config: Record<string, unknown>): string[] {
  return fields.filter((f) => f.required && config[f.key] === undefined).map((f) => f.label);
}
