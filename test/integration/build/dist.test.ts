/**
 * The compiled server as `npm run build:server` leaves it in a checkout: it starts with node
 * alone (the `bin`), finds its package.json and data files, and loads at run time only
 * packages that `npm ci --omit=dev` installs — what the image runs.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runtimeImports } from '../../support/runtimeImports.ts';
import { readRepoFile, repoRoot } from '../../unit/addon/addonFiles.ts';

const run = promisify(execFile);
const pkg = JSON.parse(readRepoFile('package.json')) as {
  version: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
// Inside the checkout, like dist/: node resolves packages and the package.json from there.
const outDir = path.join(repoRoot, 'node_modules', '.cache', `wattwire-build-test-${process.pid}`);
const server = path.join(outDir, 'server');

beforeAll(async () => {
  await mkdir(outDir, { recursive: true });
  const tsc = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
  await run(process.execPath, [tsc, '-p', path.join(repoRoot, 'tsconfig.build.json'), '--outDir', outDir], { cwd: repoRoot });
  await run(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'scripts', 'copyServerAssets.ts'), server], { cwd: repoRoot });
}, 300_000);

afterAll(async () => {
  await rm(outDir, { recursive: true, force: true });
});

describe('the built server', () => {
  it('runs a simulator from the compiled CLI with node alone', async () => {
    const { stdout } = await run(process.execPath, [path.join(server, 'cli.js'), 'sim', 'dlt645', '--help']);
    expect(stdout).toMatch(/^usage: wattwire sim dlt645/);
  });

  it('reads its version from the package.json above dist/', async () => {
    const script = `const app = await import(${JSON.stringify(pathToFileURL(path.join(server, 'packageRoot.js')).href)}); console.log(JSON.stringify(app.PACKAGE_ROOT));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script]);
    expect(JSON.parse(stdout)).toEqual({ dir: repoRoot, version: pkg.version });
    const version = `const app = await import(${JSON.stringify(pathToFileURL(path.join(server, 'app.js')).href)}); console.log(app.VERSION);`;
    expect((await run(process.execPath, ['--input-type=module', '-e', version])).stdout.trim()).toBe(pkg.version);
  });

  it('has every data file of server/ beside the compiled code', async () => {
    const source = path.join(repoRoot, 'server');
    const data = (await readdir(source, { recursive: true, withFileTypes: true }))
      .filter((e) => e.isFile() && !e.name.endsWith('.ts'))
      .map((e) => path.relative(source, path.join(e.parentPath, e.name)));
    expect(data).toContain(path.join('drivers', 'victron', 'venus-ca.crt'));
    for (const file of data) expect(existsSync(path.join(server, file)), file).toBe(true);
  });

  it('imports at run time only production dependencies, and every production dependency is imported', async () => {
    const imports = await runtimeImports(server);
    const notProduction = [...imports].filter(([name]) => !(name in pkg.dependencies)).map(([name, files]) => `${name} (${files[0]})`);
    expect(notProduction).toEqual([]);
    expect(Object.keys(pkg.dependencies).filter((name) => !imports.has(name))).toEqual([]);
  });
});
