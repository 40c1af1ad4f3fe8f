/**
 * The prebuilt image: config.yaml names it per arch, and the tag workflow builds and pushes
 * exactly those arches, so installing the add-on pulls an image instead of building one.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { addonConfig, readRepoFile, readYaml, repoRoot } from './addonFiles.ts';

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, string>;
}
interface Workflow {
  on: { push?: { tags?: string[]; branches?: string[] } } & Record<string, unknown>;
  permissions: Record<string, string>;
  jobs: Record<string, { strategy?: { matrix?: { arch?: string[] } }; steps: Step[] }>;
}

const config = addonConfig();
const workflow = readYaml<Workflow>('.github/workflows/builder.yaml');
const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);
const builder = steps.find((s) => s.uses?.startsWith('home-assistant/builder@'));

describe('config.yaml image', () => {
  it('names a per-arch image on ghcr.io under the repository owner', () => {
    const image = config.image as string;
    expect(image).toContain('{arch}');
    const owner = new URL(readYaml<{ url: string }>('repository.yaml').url).pathname.split('/')[1].toLowerCase();
    expect(image).toBe(`ghcr.io/${owner}/${config.slug as string}-{arch}`);
  });
});

describe('.github/workflows/builder.yaml', () => {
  it('builds exactly the arches config.yaml lists', () => {
    const arches = Object.values(workflow.jobs).flatMap((job) => job.strategy?.matrix?.arch ?? []);
    expect([...arches].sort()).toEqual([...(config.arch as string[])].sort());
  });

  it('runs on version tags only, and refuses a tag that is not config.yaml’s version', () => {
    expect(Object.keys(workflow.on)).toEqual(['push']);
    expect(workflow.on.push).toEqual({ tags: ['v*'] });
    const check = steps.find((s) => s.run?.includes('config.yaml'));
    expect(check?.run).toMatch(/\.version/);
    expect(check?.run).toMatch(/GITHUB_REF_NAME/);
    expect(check?.run).toMatch(/exit 1/);
  });

  it('pushes with the Home Assistant builder, per arch, reading config.yaml at the repository root', () => {
    expect(workflow.permissions.packages).toBe('write');
    const login = steps.find((s) => s.uses?.startsWith('docker/login-action@'));
    expect(login?.with?.registry).toBe('ghcr.io');
    expect(steps.indexOf(login!)).toBeLessThan(steps.indexOf(builder!));
    const args = builder?.with?.args.split(/\s*\\?\s*\n\s*/).filter(Boolean);
    // --addon: the image name, version and arches come from config.yaml; --test would not push.
    const perArch = `--$\{{ matrix.arch }}`;
    expect(args).toEqual(expect.arrayContaining([perArch, '--target /data', '--addon']));
    expect(args).not.toContain('--test');
  });
});

describe('Dockerfile', () => {
  it('states the serialport prebuilds that the locked bindings-cpp version ships', () => {
    const dockerfile = readRepoFile('Dockerfile');
    const lock = JSON.parse(readRepoFile('package-lock.json')) as { packages: Record<string, { version: string }> };
    const version = lock.packages['node_modules/@serialport/bindings-cpp'].version;
    expect(dockerfile).toContain(`@serialport/bindings-cpp ${version} carries`);
    const prebuilds = path.join(repoRoot, 'node_modules/@serialport/bindings-cpp/prebuilds');
    // What the comment says the musl (Alpine) image finds, per arch of config.yaml.
    expect(existsSync(path.join(prebuilds, 'linux-x64/@serialport+bindings-cpp.musl.node'))).toBe(true);
    expect(existsSync(path.join(prebuilds, 'linux-arm64/@serialport+bindings-cpp.armv8.musl.node'))).toBe(true);
    // The toolchain stays for when none fits.
    expect(dockerfile).toMatch(/apk add --no-cache nodejs npm python3 make g\+\+ linux-headers/);
  });
});
