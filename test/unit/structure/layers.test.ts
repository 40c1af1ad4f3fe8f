/**
 * The structure a newcomer relies on: a driver kind is named outside its own folders in at
 * most two files (the registry among them), protocol codecs stay pure, and the options layer
 * asks the definitions instead of importing drivers.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DRIVER_DEFINITIONS } from '../../../server/drivers/registry.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');

function codeFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(path.join(ROOT, dir))) {
    const rel = path.join(dir, name);
    if (statSync(path.join(ROOT, rel)).isDirectory()) out.push(...codeFiles(rel));
    else if (/\.tsx?$/.test(name)) out.push(rel);
  }
  return out;
}

/** Code without its comments: a comment may say "the DL/T 645 listener", code may not branch on it. */
function code(file: string): string {
  return readFileSync(path.join(ROOT, file), 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

function importsOf(file: string): string[] {
  return [...code(file).matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map((m) => path.join(path.dirname(file), m[1] ?? ''));
}

const FILES = [...codeFiles('server'), ...codeFiles('ui/src'), ...codeFiles('bench')];

describe('a driver kind', () => {
  // Protocol codecs are named by protocol (scom, ieee2030_5) and checked for purity below.
  const ownFolders = (kind: string) => [
    `server/drivers/${kind}/`,
    `server/sim/${kind}/`,
    `bench/${kind}.ts`,
    `bench/${kind}/`,
    'server/protocols/',
  ];

  for (const { kind } of DRIVER_DEFINITIONS) {
    it(`${kind} is named outside its own folders in at most two files`, () => {
      const word = new RegExp(`\\b${kind}\\b`);
      const naming = FILES.filter((f) => !ownFolders(kind).some((own) => f.startsWith(own)) && word.test(code(f)));
      expect(naming.length, `${kind} is named in ${naming.join(', ')}`).toBeLessThanOrEqual(2);
      expect(naming).toContain('server/drivers/registry.ts');
    });
  }
});

describe('layers', () => {
  it('protocol codecs import nothing from core, drivers, mqtt, web or options', () => {
    const forbidden = ['core', 'drivers', 'mqtt', 'web', 'options'].map((d) => `server/${d}/`);
    const leaks = codeFiles('server/protocols').flatMap((f) =>
      importsOf(f)
        .filter((target) => forbidden.some((d) => target.startsWith(d)))
        .map((target) => `${f} imports ${target}`),
    );
    expect(leaks).toEqual([]);
  });

  it('protocol codecs leave Home Assistant descriptors to the drivers', () => {
    const descriptors = codeFiles('server/protocols').filter((f) => /\b(device_class|state_class|deviceClass|stateClass)\b/.test(code(f)));
    expect(descriptors).toEqual([]);
  });

  it('the options layer imports no driver code, only the registry of definitions', () => {
    const leaks = codeFiles('server/options').flatMap((f) =>
      importsOf(f)
        .filter((target) => target.startsWith('server/drivers/') && target !== 'server/drivers/registry.ts')
        .map((target) => `${f} imports ${target}`),
    );
    expect(leaks).toEqual([]);
  });
});

describe('the bundle', () => {
  it('server code finds its data files through server/serverFiles.ts, not its own import.meta', () => {
    // Bundled (scripts/buildServer.ts), a module's import.meta.url is the file it landed in.
    const own = ['server/serverFiles.ts', 'server/packageRoot.ts'];
    const users = codeFiles('server').filter((f) => !own.includes(f) && /import\.meta\.(url|dirname|filename)/.test(code(f)));
    expect(users).toEqual([]);
  });
});
