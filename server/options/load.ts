/**
 * Options come from the Supervisor's /data/options.json (or a file named on the command
 * line or in WATTWIRE_OPTIONS); the environment sets paths and ports.
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { optionsSchema, type Options } from './schema.ts';
import { describeOptionIssues, issuePath } from './errors.ts';
import { optionIssueText } from './issueText.ts';
import { describeJsonError, describeYamlError } from './syntaxErrors.ts';
import { type OptionProblem, unknownKeyWarnings } from './unknownKeys.ts';

export class OptionsError extends Error {}

export interface Environment {
  optionsFile?: string;
  dataDir: string;
  httpPort: number;
  mqttPort: number;
  mqttWsPort: number;
  supervisorToken?: string;
  /** Web server bind address (standalone default 127.0.0.1). */
  httpHost?: string;
  /** Token every web API request needs when the web server listens beyond loopback. */
  httpToken?: string;
}

export function readEnvironment(env: NodeJS.ProcessEnv = process.env, optionsArg?: string): Environment {
  const underSupervisor = Boolean(env.SUPERVISOR_TOKEN);
  const dataDir = env.WATTWIRE_DATA_DIR ?? (underSupervisor ? '/data' : './data');
  const optionsFile =
    optionsArg ?? env.WATTWIRE_OPTIONS ?? (underSupervisor || existsSync('/data/options.json') ? '/data/options.json' : undefined);
  return {
    optionsFile,
    dataDir,
    httpPort: intFromEnv(env, 'WATTWIRE_HTTP_PORT', 8099),
    mqttPort: intFromEnv(env, 'WATTWIRE_MQTT_PORT', 1883),
    mqttWsPort: intFromEnv(env, 'WATTWIRE_MQTT_WS_PORT', 9001),
    supervisorToken: env.SUPERVISOR_TOKEN,
    httpHost: env.WATTWIRE_HTTP_HOST || undefined,
    httpToken: env.WATTWIRE_HTTP_TOKEN || undefined,
  };
}

function intFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new OptionsError(`${name}: "${raw}" is not a port number`);
  return n;
}

/** Strict parse: every problem is an error naming its field. */
export function parseOptions(raw: unknown): Options {
  const parsed = optionsSchema.safeParse(raw ?? {}, { error: optionIssueText });
  if (!parsed.success) throw new OptionsError(describeOptionIssues(parsed.error.issues));
  return parsed.data;
}

/**
 * Lenient parse for start-up: a wrong value falls back to its default and is reported, so
 * one mistake neither stops every other device nor drops the rest of its section (the
 * broker's host and login stay when only queue_size is wrong). Unknown keys are reported
 * with the known key they most likely meant.
 */
export function parseOptionsLenient(raw: unknown): { options: Options; errors: OptionProblem[] } {
  const errors: OptionProblem[] = [];
  let input: Record<string, unknown> = {};
  if (isPlainObject(raw)) input = raw;
  else if (raw !== undefined && raw !== null) errors.push({ where: '(options)', message: 'must be a set of options; using the defaults' });
  errors.push(...unknownKeyWarnings(raw));
  const replaced: { issuePath: PropertyKey[]; removed: PropertyKey[]; message: string }[] = [];
  // Each round removes at least one wrong value, and a file has finitely many.
  for (;;) {
    const parsed = optionsSchema.safeParse(input, { error: optionIssueText });
    if (parsed.success) {
      for (const r of replaced) errors.push(replacementProblem(r, parsed.data));
      return { options: parsed.data, errors };
    }
    const before = input;
    for (const issue of parsed.error.issues) {
      const removed = removablePath(input, issue.path);
      if (removed.length === 0) continue;
      input = withoutPath(input, removed);
      replaced.push({ issuePath: [...issue.path], removed, message: issue.message });
    }
    if (input === before) {
      errors.push({ where: '(options)', message: `${describeOptionIssues(parsed.error.issues)}; using the defaults` });
      return { options: optionsSchema.parse({}), errors };
    }
  }
}

/** The part of an issue's path to drop: the wrong value itself, or the nearest part present. */
function removablePath(input: Record<string, unknown>, path: readonly PropertyKey[]): PropertyKey[] {
  const out: PropertyKey[] = [];
  let node: unknown = input;
  for (const key of path) {
    // Lists are removed whole: dropping one item would shift the others' positions.
    if (!isPlainObject(node) || typeof key !== 'string' || !Object.hasOwn(node, key)) break;
    out.push(key);
    node = node[key];
  }
  return out;
}

function withoutPath(input: Record<string, unknown>, path: readonly PropertyKey[]): Record<string, unknown> {
  const [head, ...rest] = path as string[];
  const copy = { ...input };
  if (head === undefined) return copy;
  if (rest.length === 0) delete copy[head];
  else copy[head] = withoutPath(copy[head] as Record<string, unknown>, rest);
  return copy;
}

function replacementProblem(r: { issuePath: PropertyKey[]; removed: PropertyKey[]; message: string }, options: Options): OptionProblem {
  const where = r.issuePath.length > 1 ? issuePath(r.issuePath.slice(0, 1)) : '(options)';
  const field = issuePath(r.issuePath.length > 1 ? r.issuePath.slice(1) : r.issuePath);
  if (r.removed.length < r.issuePath.length) {
    return { where, message: `${field} ${r.message}; using the defaults for ${issuePath(r.removed)}` };
  }
  const value = r.removed.reduce<unknown>((node, key) => (node as Record<PropertyKey, unknown>)?.[key], options);
  const fallback = value === undefined ? 'it is left unset' : `using the default ${JSON.stringify(value)}`;
  return { where, message: `${field} ${r.message}; ${fallback}` };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export async function readOptionsFile(file: string | undefined): Promise<unknown> {
  if (!file) return {};
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new OptionsError(`cannot read options file ${file}: ${(err as Error).message}`);
  }
  if (/\.ya?ml$/.test(file)) {
    // The add-on reads JSON; the YAML parser is loaded only for a standalone YAML file.
    const { parse: parseYaml } = await import('yaml');
    try {
      return parseYaml(text);
    } catch (err) {
      throw new OptionsError(`options file ${file} is not valid YAML: ${describeYamlError(err as Error)}`);
    }
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new OptionsError(`options file ${file} is not valid JSON: ${describeJsonError(text, err as Error)}`);
  }
}

/**
 * Save options: through the Supervisor (which replaces the stored options wholesale) or,
 * standalone, to the options file (written atomically, readable by the owner only).
 */
export async function saveOptions(options: Options, env: Environment, fetchImpl: typeof fetch = fetch): Promise<void> {
  if (env.supervisorToken) {
    const res = await fetchImpl('http://supervisor/addons/self/options', {
      method: 'POST',
      headers: { Authorization: `Bearer ${env.supervisorToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ options }),
    });
    if (!res.ok) throw new OptionsError(`the Supervisor refused the options: ${await res.text()}`);
    return;
  }
  const file = env.optionsFile ?? path.join(env.dataDir, 'options.json');
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  // It holds passwords and keys: owner only, from the first byte on (a leftover temp file
  // would keep its old mode, so it goes first), and the rename replaces a wider old file.
  await rm(tmp, { force: true });
  await writeFile(tmp, JSON.stringify(options, null, 2), { mode: 0o600, flag: 'wx' });
  await rename(tmp, file);
}
