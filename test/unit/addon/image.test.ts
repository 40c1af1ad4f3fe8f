/**
 * The image: Dockerfile, build context, the s6-overlay service that runs the bridge,
 * and the store pictures.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile, mkdir, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { productionNodeFlags } from '../../../bench/nodeFlags.ts';
import { DEFAULT_OUT_DIR } from '../../../scripts/buildServer.ts';
import { readEnvironment } from '../../../server/options/load.ts';
import { packageJson, readRepoFile, repoRoot } from './addonFiles.ts';

const run = promisify(execFile);
const dockerfile = readRepoFile('Dockerfile');
const SERVICE = 'rootfs/etc/s6-overlay/s6-rc.d/wattwire';

/** The Dockerfile's stages: the text from each FROM to the next. */
const stages = dockerfile.split(/^(?=FROM )/m).slice(1);

describe('Dockerfile', () => {
  it('has a default base image, so it builds without build.yaml, and builds every stage on it', () => {
    expect(dockerfile.slice(0, dockerfile.search(/^FROM /m))).toMatch(/^ARG BUILD_FROM=ghcr\.io\/home-assistant\/base:3\.\d+$/m);
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage).toMatch(/^FROM \$\{BUILD_FROM\}/);
  });

  it('builds with the toolchain, and runs on node alone with production dependencies', () => {
    const runtime = stages.at(-1)!;
    expect(stages[0]).toMatch(/apk add --no-cache nodejs npm .*g\+\+/);
    expect(stages[0]).toMatch(/RUN npm run build/);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(runtime).toMatch(/^RUN apk add --no-cache nodejs$/m);
    expect(runtime).toMatch(/^COPY rootfs \/$/m);
  });

  it('lays the image out like the source tree, compiled server in server/', () => {
    const runtime = stages.at(-1)!;
    const copies = [...runtime.matchAll(/^COPY --from=build (\S+) (\S+)$/gm)].map((m) => [m[1], m[2]]);
    expect(copies).toEqual([
      ['/prod/node_modules', './node_modules'],
      ['/src/package.json', './'],
      ['/src/dist/server', './server'],
      ['/src/ui/dist', './ui/dist'],
    ]);
    // The bundle and the data files beside it are written to dist/server: what the build stage copies from.
    expect(packageJson().scripts['build:server']).toBe('node --import tsx scripts/buildServer.ts');
    expect(path.relative(repoRoot, DEFAULT_OUT_DIR)).toBe(path.join('dist', 'server'));
  });

  it('labels the image for the Supervisor, with the package version by default', () => {
    expect(dockerfile).toMatch(new RegExp(`^ARG BUILD_VERSION=${packageJson().version.replaceAll('.', '\\.')}$`, 'm'));
    for (const label of [
      'io.hass.type="app"',
      'io.hass.name="Wattwire"',
      `io.hass.version="\${BUILD_VERSION}"`,
      `io.hass.arch="\${BUILD_ARCH}"`,
    ])
      expect(dockerfile).toContain(label);
  });

  it('checks health on the port the server listens on by default', () => {
    const health = /^HEALTHCHECK [\s\S]*?CMD (.*)$/m.exec(dockerfile)?.[1];
    expect(health).toContain(`\${WATTWIRE_HTTP_PORT:-${readEnvironment({}).httpPort}}`);
  });
});

describe('.dockerignore', () => {
  const rules = readRepoFile('.dockerignore')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'));
  const allowed = (p: string) => rules.some((r) => r.startsWith('!') && r.slice(1).replace(/\/$/, '') === p);

  it('sends only what the image is built from', () => {
    expect(rules[0]).toBe('*');
    const sources = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => m[1]!.split(' ')).filter((s) => s !== '.');
    for (const p of [...sources, 'server', 'tsconfig.json', 'ui', 'vite.config.ts', 'scripts']) expect(allowed(p), p).toBe(true);
    for (const p of ['node_modules', 'test', 'dist', '.git']) expect(allowed(p), p).toBe(false);
  });
});

describe('s6-overlay service', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'wattwire-s6-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is a longrun in the user bundle with executable bashio scripts', async () => {
    expect(readRepoFile(`${SERVICE}/type`).trim()).toBe('longrun');
    await expect(stat(path.join(repoRoot, 'rootfs/etc/s6-overlay/s6-rc.d/user/contents.d/wattwire'))).resolves.toBeTruthy();
    for (const script of ['run', 'finish']) {
      const file = path.join(repoRoot, SERVICE, script);
      expect((await stat(file)).mode & 0o111, script).toBe(0o111);
      expect(readRepoFile(`${SERVICE}/${script}`).split('\n')[0]).toBe('#!/command/with-contenv bashio');
      await run('bash', ['-n', file]);
    }
  });

  /** Runs a copy of a service script with bashio stubbed and its fixed paths moved into `dir`. */
  async function runScript(script: 'run' | 'finish', paths: Record<string, string>, args: string[]) {
    let text = readRepoFile(`${SERVICE}/${script}`);
    for (const [from, to] of Object.entries(paths)) {
      expect(text, `${script} uses ${from}`).toContain(from);
      text = text.replaceAll(from, to);
    }
    const copy = path.join(dir, `${script}.sh`);
    await writeFile(copy, text);
    const stubs = 'bashio::log.info() { :; }; bashio::exit.nok() { echo "$*" >&2; exit 1; };';
    return run('bash', ['-c', `${stubs} source "$0" "$@"`, copy, ...args], { env: { PATH: process.env.PATH } });
  }

  it('run execs the compiled CLI in the image WORKDIR with node, the options file and /data', async () => {
    const workdir = /^WORKDIR (\S+)$/m.exec(stages.at(-1)!)![1]!;
    const bin = 'server/cli.js';
    const app = path.join(dir, 'app');
    await mkdir(path.join(app, path.dirname(bin)), { recursive: true });
    await writeFile(
      path.join(app, bin),
      'console.log(JSON.stringify({ cwd: process.cwd(), argv: process.argv.slice(2), data: process.env.WATTWIRE_DATA_DIR, node: process.execArgv }));',
    );
    const { stdout } = await runScript('run', { [workdir]: app }, []);
    expect(JSON.parse(stdout)).toEqual({
      cwd: app,
      argv: ['start', '--options', '/data/options.json'],
      data: '/data',
      node: productionNodeFlags(),
    });
    expect(productionNodeFlags()).toEqual(expect.arrayContaining(['--max-semi-space-size=4', '--max-old-space-size=512']));
  });

  async function finish(code: number, signal: number, containerCode = 0) {
    const results = path.join(dir, 'exitcode');
    const crashes = path.join(dir, 'run', 'crashes');
    const halted = path.join(dir, 'halted');
    const halt = path.join(dir, 'halt');
    await writeFile(results, `${containerCode}\n`);
    await rm(halted, { force: true });
    await writeFile(halt, `#!/bin/sh\ntouch ${halted}\n`);
    await chmod(halt, 0o755);
    await runScript(
      'finish',
      { '/run/s6-linux-init-container-results/exitcode': results, '/run/s6/basedir/bin/halt': halt, '/run/wattwire/crashes': crashes },
      [String(code), String(signal)],
    );
    const wasHalted = await stat(halted).then(
      () => true,
      () => false,
    );
    return { exitcode: (await readFile(results, 'utf8')).trim(), halted: wasHalted };
  }

  it('finish restarts the bridge in place after a crash, and stops the container on the fifth within 10 minutes', async () => {
    await rm(path.join(dir, 'run'), { recursive: true, force: true });
    for (let i = 1; i <= 4; i++) expect(await finish(1, 0), `crash ${i}`).toEqual({ exitcode: '0', halted: false });
    expect(await finish(1, 0)).toEqual({ exitcode: '1', halted: true });
    expect(await finish(2, 0, 7)).toEqual({ exitcode: '7', halted: true });
    const stale = Math.floor(Date.now() / 1000) - 601;
    await writeFile(path.join(dir, 'run', 'crashes'), `${stale}\n`.repeat(10));
    expect(await finish(1, 0)).toEqual({ exitcode: '0', halted: false });
  });

  it('finish stops the container on SIGTERM and lets s6 restart after other signals or a clean exit', async () => {
    expect(await finish(256, 15)).toEqual({ exitcode: '143', halted: true });
    expect(await finish(256, 9)).toEqual({ exitcode: '137', halted: false });
    expect(await finish(0, 0)).toEqual({ exitcode: '0', halted: false });
  });
});

/** Width and height from a PNG's IHDR chunk, and whether it has an alpha channel. */
async function pngInfo(file: string): Promise<{ width: number; height: number; alpha: boolean }> {
  const data = await readFile(path.join(repoRoot, file));
  expect(data.subarray(0, 8)).toEqual(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]));
  expect(data.toString('ascii', 12, 16)).toBe('IHDR');
  return { width: data.readUInt32BE(16), height: data.readUInt32BE(20), alpha: data[25] === 6 || data[25] === 4 };
}

describe('store pictures', () => {
  it('icon.png is a square PNG of about 128 pixels', async () => {
    expect(await pngInfo('icon.png')).toEqual({ width: 128, height: 128, alpha: true });
  });

  it('logo.png is a PNG of about 250x100', async () => {
    expect(await pngInfo('logo.png')).toEqual({ width: 250, height: 100, alpha: true });
  });
});
