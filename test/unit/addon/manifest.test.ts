/**
 * config.yaml, build.yaml and repository.yaml as the add-on linter and the Supervisor
 * read them.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { readEnvironment } from '../../../server/options/load.ts';
import { addonConfig, packageJson, readRepoFile, readYaml, repoRoot } from './addonFiles.ts';
import { checkOptions, schemaProblems } from './supervisorOptions.ts';

interface JsonSchema {
  properties: Record<string, { default?: unknown }>;
}
/** The linter is Python: its `(?P<name>…)` groups are `(?<name>…)` in JavaScript. */
const linterSchema = (name: string): JsonSchema =>
  JSON.parse(readRepoFile(`test/fixtures/addon/linter-${name}.schema.json`).replaceAll('(?P<', '(?<'));

function linterErrors(name: 'config' | 'build', data: Record<string, unknown>): string[] {
  const schema = linterSchema(name);
  const ajv = new Ajv({ strict: false, allErrors: true, formats: { 'uri-reference': /^\S+$/, email: /^[^@\s]+@[^@\s]+$/ } });
  const validate = ajv.compile(schema);
  const errors = validate(data) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
  // The linter also refuses any key set to its default value ("should be removed").
  for (const [key, value] of Object.entries(data)) {
    const prop = schema.properties[key];
    if (prop && 'default' in prop && isDeepStrictEqual(prop.default, value)) errors.push(`${key} uses its default value`);
  }
  return errors;
}

describe('config.yaml', () => {
  const config = addonConfig();

  it('passes the add-on linter schema, with no key at its default', () => {
    expect(linterErrors('config', config)).toEqual([]);
  });

  it('the linter check finds a key set to its default and an unknown key', () => {
    expect(linterErrors('config', { ...config, boot: 'auto', ingress_port: 8099, colour: 'red' })).toEqual(
      expect.arrayContaining([
        'boot uses its default value',
        'ingress_port uses its default value',
        '/ must NOT have additional properties',
      ]),
    );
  });

  it('avoids what the linter reports outside its schema', () => {
    expect(config).not.toHaveProperty('watchdog'); // obsolete: the Dockerfile has a HEALTHCHECK
    expect(config).not.toHaveProperty('webui'); // ingress instead
    expect(config).not.toHaveProperty('auto_uart');
    expect(config).not.toHaveProperty('full_access');
  });

  it('names the package version, supported arches and the s6-overlay init', () => {
    expect(config.version).toBe(packageJson().version);
    expect(config.slug).toMatch(/^[-_.A-Za-z0-9]+$/);
    expect(config.arch).toEqual(['aarch64', 'amd64']);
    expect(config.init).toBe(false);
  });

  it('serves ingress on the port the server listens on by default', () => {
    expect(config.ingress).toBe(true);
    expect((config.ingress_port as number | undefined) ?? 8099).toBe(readEnvironment({}).httpPort);
  });

  it('asks for the MQTT service and maps certificates read-only', () => {
    expect(config.services).toEqual(expect.arrayContaining([expect.stringMatching(/^mqtt:(want|need)$/)]));
    const map = config.map as { type: string; read_only?: boolean }[];
    expect(map.map((m) => m.type).sort()).toEqual(['share', 'ssl']);
    for (const m of map) expect(m.read_only ?? true).toBe(true);
  });

  it('has a schema in the Supervisor grammar, nested at most two levels', () => {
    expect(schemaProblems(config.schema)).toEqual([]);
  });

  it('the grammar check refuses unknown types and deep nesting', () => {
    expect(schemaProblems({ a: 'string', b: [['str']], c: { d: { e: { f: 'str' } } } })).toEqual([
      'a: unknown type "string"',
      'b[]: a list may not directly contain a list',
      'c.d.e: nested deeper than two levels',
    ]);
  });

  it('has defaults the Supervisor accepts as they are', () => {
    const checked = checkOptions(config.schema, config.options);
    expect(checked).toEqual({ ok: true, value: config.options });
  });
});

describe('build.yaml', () => {
  const build = readYaml('build.yaml');

  it('passes the add-on linter schema', () => {
    expect(linterErrors('build', build)).toEqual([]);
  });

  it('builds every arch from the Dockerfile default base image', () => {
    const from = /^ARG BUILD_FROM=(\S+)$/m.exec(readRepoFile('Dockerfile'))?.[1];
    expect(from).toMatch(/^ghcr\.io\/home-assistant\/base:3\.\d+$/);
    const buildFrom = build.build_from as Record<string, string>;
    expect(Object.keys(buildFrom).sort()).toEqual([...(addonConfig().arch as string[])].sort());
    for (const image of Object.values(buildFrom)) expect(image).toBe(from);
  });
});

describe('repository.yaml', () => {
  it('has a name, the add-on URL and a maintainer', () => {
    const repo = readYaml('repository.yaml');
    expect(Object.keys(repo).sort()).toEqual(['maintainer', 'name', 'url']);
    expect(repo.name).toBe('Wattwire');
    expect(new URL(repo.url as string).protocol).toBe('https:');
    expect(repo.url).toBe(addonConfig().url);
    expect(typeof repo.maintainer).toBe('string');
  });
});

/** The Supervisor reads every `**\/config.*` and `**\/repository.*` it finds. */
function supervisorReads(dir: string, found: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || entry.name === 'rootfs' || entry.name === 'node_modules') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) supervisorReads(full, found);
    else if (/^(config|repository)\..*\.(json|ya?ml)$|^(config|repository)\.(json|ya?ml)$/.test(entry.name))
      found.push(path.relative(repoRoot, full));
  }
  return found;
}

describe('the repository tree', () => {
  it('holds no other file the Supervisor would read as a manifest', () => {
    expect(supervisorReads(repoRoot).sort()).toEqual(['config.yaml', 'repository.yaml']);
  });
});
