/**
 * The bundled server as `npm run build:server` leaves it in a checkout: it starts with node
 * alone (the `bin`), finds its package.json and data files, loads at run time only packages
 * that `npm ci --omit=dev` installs — what the image runs — and, started with no device,
 * loads none of the heavy libraries that only some devices need.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../../scripts/buildServer.ts';
import { canConnect, freePort, waitFor } from '../../support/ports.ts';
import { readRepoFile, repoRoot } from '../../unit/addon/addonFiles.ts';

const run = promisify(execFile);
const pkg = JSON.parse(readRepoFile('package.json')) as { version: string; dependencies: Record<string, string> };
// Inside the checkout, like dist/: node resolves packages and the package.json from there.
const outDir = path.join(repoRoot, 'node_modules', '.cache', `wattwire-build-test-${process.pid}`);
const server = path.join(outDir, 'server');
let metafile: Metafile;

/** Libraries only some devices (or the embedded broker, or a certificate request) need. */
const HEAVY = ['cheerio', 'fast-xml-parser', '@peculiar/x509', 'reflect-metadata', 'aedes', 'bonjour-service', 'yaml', 'modbus-serial'];

// Required inside try/catch by ws and debug, which work without them.
const OPTIONAL_PEERS = ['bufferutil', 'utf-8-validate', 'supports-color'];

/** The npm package a bundled input file belongs to, or null for the server's own code. */
const packageOfInput = (input: string): string | null => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1] ?? null;

/** The npm packages bundled into an output file, from esbuild's metafile. */
function packagesIn(output: string): Set<string> {
  return new Set(Object.keys(metafile.outputs[output]?.inputs ?? {}).flatMap((input) => packageOfInput(input) ?? []));
}

const LOAD_HOOK = `data:text/javascript,${encodeURIComponent(`
import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(
  "export async function load(url, context, next) { process.stdout.write('LOADED ' + url + '\\\\n'); return next(url, context); }"));
`)}`;

/** The bundle's files (relative to the build test's root, as the metafile names them) the server loads until its web UI answers. */
async function filesLoadedAtStart(): Promise<string[]> {
  const data = await mkdtemp(path.join(tmpdir(), 'ww-dist-'));
  const [httpPort, listenPort, noBroker] = [await freePort(), await freePort(), await freePort()];
  const optionsFile = path.join(data, 'options.json');
  await writeFile(
    optionsFile,
    JSON.stringify({ log_level: 'warning', mqtt: { host: '127.0.0.1', port: noBroker }, dlt645: { listen_port: listenPort } }),
  );
  const child = spawn(process.execPath, ['--import', LOAD_HOOK, path.join(server, 'cli.js'), 'start', '--options', optionsFile], {
    env: { ...process.env, NODE_ENV: 'production', WATTWIRE_DATA_DIR: data, WATTWIRE_HTTP_PORT: String(httpPort), SUPERVISOR_TOKEN: '' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  try {
    await waitFor(async () => (await canConnect(httpPort)) && canConnect(listenPort), {
      timeoutMs: 60_000,
      what: 'the web UI and the DL/T 645 listener',
    });
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
    await rm(data, { recursive: true, force: true });
  }
  const files = stdout.split('\n').flatMap((l) => (l.startsWith('LOADED file://') ? [l.slice('LOADED file://'.length)] : []));
  return files.filter((f) => f.startsWith(server)).map((f) => path.relative(repoRoot, f));
}

beforeAll(async () => {
  await mkdir(outDir, { recursive: true });
  metafile = await buildServer(server);
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
    const { stdout } = await run(process.execPath, [path.join(server, 'cli.js'), '--version']);
    expect(stdout.trim()).toBe(pkg.version);
  });

  it('has every data file of server/ beside the compiled code', async () => {
    const source = path.join(repoRoot, 'server');
    const data = (await readdir(source, { recursive: true, withFileTypes: true }))
      .filter((e) => e.isFile() && !e.name.endsWith('.ts'))
      .map((e) => path.relative(source, path.join(e.parentPath, e.name)));
    expect(data).toContain(path.join('drivers', 'victron', 'venus-ca.crt'));
    for (const file of data) expect(existsSync(path.join(server, file)), file).toBe(true);
  });

  it('imports at run time only production dependencies, and bundles or imports every one of them', () => {
    const imports = new Set(
      Object.values(metafile.outputs).flatMap((o) =>
        o.imports.filter((i) => i.external && !i.path.startsWith('node:') && !isBuiltin(i.path)).map((i) => i.path),
      ),
    );
    const notProduction = [...imports].filter((name) => !(name in pkg.dependencies) && !OPTIONAL_PEERS.includes(name));
    expect(notProduction).toEqual([]);
    const bundled = new Set(Object.keys(metafile.inputs).flatMap((input) => packageOfInput(input) ?? []));
    expect(Object.keys(pkg.dependencies).filter((name) => !imports.has(name) && !bundled.has(name))).toEqual([]);
  });

  it("leaves out what the server never calls, and debug's per-call work", () => {
    const inputs = Object.keys(metafile.inputs);
    const bundled = new Set(inputs.flatMap((input) => packageOfInput(input) ?? []));
    // What these would have pulled in (ajv, SOCKS, readable-stream, debug's formatting) is not there.
    expect(['ajv', 'socks', 'ip-address', 'fast-unique-numbers', 'readable-stream', 'ms'].filter((n) => bundled.has(n))).toEqual([]);
    // Fastify's default compilers (zod's are given), glob (wildcard routes), mqtt.js's WebSocket and
    // SOCKS connectors, browser timers and debug: each file stands in as a stub of a few hundred bytes.
    const stubs = inputs.filter((input) =>
      /@fastify\/(ajv-compiler|fast-json-stringify-compiler)\/|\/glob\/|mqtt\/build\/lib\/connect\/(ws|socks)\.js$|\/worker-timers\/|\/debug\/src\/|modbus-serial\/(ports\/(rtubufferedport|asciiport)|servers\/serverserial)\.js$/.test(
        input,
      ),
    );
    expect(stubs).toHaveLength(10);
    // @fastify/send knows the standard types (ui/dist's HTML, JavaScript and CSS), not mime's vendor ones.
    expect(inputs.filter((input) => /\/mime\/types\//.test(input)).map((input) => path.basename(input))).toEqual(['standard.js']);
    for (const input of stubs) expect(metafile.inputs[input]?.bytes, input).toBeLessThan(1024);
    // ws is still there for the embedded broker's WebSocket listener, in that file alone.
    const withWs = Object.keys(metafile.outputs).filter((output) => packagesIn(output).has('ws'));
    expect(withWs.map((output) => metafile.outputs[output]?.entryPoint)).toEqual(['server/mqtt/embeddedBroker.ts']);
  });

  it("loads the SunSpec driver (Modbus TCP) without serialport's native addon", async () => {
    const driver = Object.entries(metafile.outputs).find(([, o]) => o.entryPoint === 'server/drivers/sunspec/driver.ts')?.[0];
    expect(driver).toBeDefined();
    const probe = `
      const Module = (await import('node:module')).default;
      const load = Module._load;
      Module._load = function (request, ...rest) { if (request === 'serialport') console.log('LOADED serialport'); return load.call(this, request, ...rest); };
      await import(${JSON.stringify(pathToFileURL(path.join(repoRoot, driver as string)).href)});
      console.log('imported');`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', probe]);
    expect(stdout.trim().split('\n')).toEqual(['imported']);
  });

  it('bundles cheerio without parse5, undici and iconv-lite, which the Kostal pages never need', () => {
    // cheerio's main entry brings them (1.2 MB, parsed when a Kostal device starts); cheerio/slim parses with htmlparser2.
    const bundled = new Set(Object.keys(metafile.inputs).flatMap((input) => packageOfInput(input) ?? []));
    expect(bundled).toContain('cheerio');
    expect(['parse5', 'undici', 'iconv-lite'].filter((name) => bundled.has(name))).toEqual([]);
  });

  it('started with no device, loads the web and MQTT code but no library that only some devices need', async () => {
    const loaded = await filesLoadedAtStart();
    const packages = new Set(loaded.flatMap((file) => [...packagesIn(file)]));
    // The check sees what it looks for: these are bundled, the heavy ones in files of their own.
    expect(packages).toContain('fastify');
    expect(packages).toContain('mqtt');
    const everywhere = new Set(Object.keys(metafile.outputs).flatMap((file) => [...packagesIn(file)]));
    for (const name of HEAVY) expect(everywhere, name).toContain(name);
    expect(HEAVY.filter((name) => packages.has(name))).toEqual([]);
  }, 120_000);
});
