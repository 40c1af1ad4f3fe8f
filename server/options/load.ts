/**
 * Options come from the Supervisor's /data/options.json (or a file named on the command
 * line or in WATTWIRE_OPTIONS); the environment sets paths and ports.
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { optionsSchema, type Options } from './schema.ts';
import { describeZodError } from './errors.ts';

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
  const parsed = optionsSchema.safeParse(raw ?? {});
  if (!parsed.success) throw new OptionsError(describeZodError(parsed.error));
  return parsed.data;
}

/**
 * Lenient parse for start-up: a section with a wrong value falls back to its defaults and
 * is reported, so one mistake does not stop every other device.
 */
export function parseOptionsLenient(raw: unknown): { options: Options; errors: { where: string; message: string }[] } {
  const errors: { where: string; message: string }[] = [];
  const input: Record<string, unknown> =
    typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? { ...(raw as Record<string, unknown>) } : {};
  if (raw !== undefined && raw !== null && (typeof raw !== 'object' || Array.isArray(raw))) {
    errors.push({ where: '(options)', message: 'options must be an object; using the defaults' });
  }
  for (let attempt = 0; attempt < 20; attempt++) {
    const parsed = optionsSchema.safeParse(input);
    if (parsed.success) return { options: parsed.data, errors };
    const bad = new Set(parsed.error.issues.map((i) => String(i.path[0] ?? '')));
    for (const key of bad) {
      const issues = parsed.error.issues.filter((i) => String(i.path[0] ?? '') === key);
      errors.push({ where: key || '(options)', message: `${describeZodError({ issues } as never)}; using the defaults for ${key}` });
      delete input[key];
    }
  }
  return { options: optionsSchema.parse({}), errors };
}

export async function readOptionsFile(file: string | undefined): Promise<unknown> {
  if (!file) return {};
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new OptionsError(`cannot read options file ${file}: ${(err as Error).message}`);
  }
  try {
    return file.endsWith('.yaml') || file.endsWith('.yml') ? (await import('yaml')).parse(text) : JSON.parse(text);
  } catch (err) {
    throw new OptionsError(`options file ${file} is not valid ${/\.ya?ml$/.test(file) ? 'YAML' : 'JSON'}: ${(err as Error).message}`);
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
