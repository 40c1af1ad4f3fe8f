/**
 * The prebuilt image: the tag workflow builds one image per arch config.yaml lists and joins
 * them in the multi-arch image config.yaml names, so installing pulls instead of building.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { addonConfig, readRepoFile, readYaml, repoRoot } from './addonFiles.ts';

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, string | boolean>;
}
interface Job {
  needs?: string | string[];
  'runs-on': string;
  strategy?: { matrix?: { include?: { arch: string; os: string }[] } };
  steps: Step[];
}
interface Workflow {
  on: { push?: { tags?: string[]; branches?: string[] } } & Record<string, unknown>;
  env: Record<string, string>;
  jobs: Record<string, Job>;
}

const config = addonConfig();
const workflow = readYaml<Workflow>('.github/workflows/builder.yaml');
const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);
/** A GitHub Actions expression as the workflow writes it. */
const gh = (expression: string) => `$\{{ ${expression} }}`;
const action = (name: string) => steps.find((s) => s.uses?.startsWith(`home-assistant/builder/actions/${name}@`));

describe('config.yaml image', () => {
  it('names the multi-arch image on ghcr.io under the repository owner', () => {
    const owner = new URL(readYaml<{ url: string }>('repository.yaml').url).pathname.split('/')[1]!.toLowerCase();
    expect(config.image).toBe(`ghcr.io/${owner}/${config.slug as string}`);
  });
});

describe('.github/workflows/builder.yaml', () => {
  it('builds exactly the arches config.yaml lists, each on a runner of its arch', () => {
    const matrix = workflow.jobs.build?.strategy?.matrix?.include ?? [];
    expect(matrix.map((m) => m.arch).sort()).toEqual([...(config.arch as string[])].sort());
    expect(matrix.find((m) => m.arch === 'aarch64')?.os).toMatch(/arm/);
    expect(JSON.parse(String(action('publish-multi-arch-manifest')?.with?.architectures)).sort()).toEqual(
      [...(config.arch as string[])].sort(),
    );
  });

  it('runs on version tags only, and refuses a tag that is not config.yaml’s version', () => {
    expect(Object.keys(workflow.on)).toEqual(['push']);
    expect(workflow.on.push).toEqual({ tags: ['v*'] });
    const check = steps.find((s) => s.run?.includes('config.yaml'));
    expect(check?.run).toMatch(/\.version/);
    expect(check?.run).toMatch(/GITHUB_REF_NAME/);
    expect(check?.run).toMatch(/exit 1/);
    expect(workflow.jobs.build?.needs).toBe('version');
  });

  it('pushes per-arch images with the builder and joins them under the name config.yaml pulls', () => {
    const build = action('build-image');
    expect(build?.with?.push).toBe(true);
    expect(build?.with?.image).toBe(`${gh('env.REGISTRY_PREFIX')}/${gh('matrix.arch')}-${gh('env.IMAGE_NAME')}`);
    const manifest = action('publish-multi-arch-manifest');
    expect(workflow.jobs.manifest?.needs).toEqual(['version', 'build']);
    const owner = new URL(readYaml<{ url: string }>('repository.yaml').url).pathname.split('/')[1]!.toLowerCase();
    const published = `${workflow.env.REGISTRY_PREFIX!.replace(gh('github.repository_owner'), owner)}/${workflow.env.IMAGE_NAME}`;
    expect(published).toBe(config.image);
    expect(manifest?.with?.['image-name']).toBe(gh('env.IMAGE_NAME'));
  });
});

describe('Dockerfile', () => {
  it('states the serialport prebuilds that the locked bindings-cpp version ships', () => {
    const dockerfile = readRepoFile('Dockerfile');
    const lock = JSON.parse(readRepoFile('package-lock.json')) as { packages: Record<string, { version: string }> };
    const version = lock.packages['node_modules/@serialport/bindings-cpp']!.version;
    expect(dockerfile).toContain(`@serialport/bindings-cpp ${version} carries`);
    const prebuilds = path.join(repoRoot, 'node_modules/@serialport/bindings-cpp/prebuilds');
    // What the comment says the musl (Alpine) image finds, per arch of config.yaml.
    expect(existsSync(path.join(prebuilds, 'linux-x64/@serialport+bindings-cpp.musl.node'))).toBe(true);
    expect(existsSync(path.join(prebuilds, 'linux-arm64/@serialport+bindings-cpp.armv8.musl.node'))).toBe(true);
    // The toolchain stays for when none fits.
    expect(dockerfile).toMatch(/apk add --no-cache nodejs npm python3 make g\+\+ linux-headers/);
  });
});
