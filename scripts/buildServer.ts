/**
 * The server as the image runs it: server/cli.ts and everything it imports bundled by esbuild
 * into dist/server (cli.js, and one file per part that is loaded only when used: each driver,
 * simulator, the demo, the embedded broker), minified, then the data files copied beside it.
 * One bundle instead of ~700 modules: Node keeps every module's source and its loader
 * records in memory, so the bundle starts idle about 10 MB lower (docs/performance.md).
 * Usage: node --import tsx scripts/buildServer.ts [outDir, default dist/server]
 */
import { cpSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile, type Plugin } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Native addons and what finds them at run time stay in node_modules (production dependencies). */
export const EXTERNAL_PACKAGES = ['serialport', '@serialport/*'];

// Bundled CommonJS packages call require(); an ES module has none of its own.
const REQUIRE_SHIM = "import { createRequire as __wwCreateRequire } from 'node:module'; const require = __wwCreateRequire(import.meta.url);";

/**
 * Modules the server's dependencies load but the server never calls, each replaced by one
 * that fails with the reason if it ever is: evaluated at start they cost an idle add-on about
 * 2.5 MB of heap (docs/performance.md). Matched by the file each resolves to.
 */
const NEVER_CALLED: { file: RegExp; why: string }[] = [
  { file: /[\\/]@fastify[\\/]ajv-compiler[\\/]index\.js$/, why: 'Fastify is given zod compilers (zodSchemaController)' },
  { file: /[\\/]@fastify[\\/]fast-json-stringify-compiler[\\/]index\.js$/, why: 'Fastify is given zod compilers (zodSchemaController)' },
  { file: /[\\/]glob[\\/]dist[\\/]commonjs[\\/]index(\.min)?\.js$/, why: '@fastify/static serves the UI with wildcard routes' },
  // mqtt.js: the bridge connects over mqtt:// and mqtts:// only, without a SOCKS proxy, and
  // worker timers are for browsers.
  { file: /[\\/]mqtt[\\/]build[\\/]lib[\\/]connect[\\/](ws|socks)\.js$/, why: 'the bridge connects to brokers over TCP or TLS' },
  { file: /[\\/]worker-timers[\\/]build[\\/]es5[\\/]bundle\.js$/, why: 'mqtt.js uses Node timers outside a browser' },
  // modbus-serial's serial transports load serialport's native addon with the library.
  {
    file: /[\\/]modbus-serial[\\/](ports[\\/](rtubufferedport|asciiport)|servers[\\/]serverserial)\.js$/,
    why: 'SunSpec devices are reached over Modbus TCP',
  },
];

const neverCalled: Plugin = {
  name: 'never-called',
  setup(b) {
    for (const { file, why } of NEVER_CALLED) {
      b.onLoad({ filter: file }, (args) => {
        const message = JSON.stringify(`${path.relative(root, args.path)} is not bundled: ${why}`);
        return {
          contents: `function fail() { throw new Error(${message}); }
module.exports = new Proxy(fail, { get: (_t, key) => (key === '__esModule' || key === 'then' || typeof key === 'symbol' ? undefined : fail) });`,
          loader: 'js',
        };
      });
    }
  },
};

/**
 * The `debug` package, which mqtt.js, mqtt-packet and modbus-serial call for every packet,
 * as the no-op it is when DEBUG is not set (the add-on never sets it; the bridge logs through
 * pino). The real one gathers each call's arguments first: a fifth of all the bridge allocated
 * with one device of every kind, which kept V8's young generation at its largest.
 */
const debugOff: Plugin = {
  name: 'debug-off',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/]debug[\\/]src[\\/]index\.js$/ }, () => ({
      contents: `function createDebug(namespace) {
  const debug = () => undefined;
  return Object.assign(debug, { namespace, enabled: false, log: debug, destroy: debug, extend: (sub, delimiter = ':') => createDebug(namespace + delimiter + sub) });
}
module.exports = Object.assign(createDebug, { default: createDebug, enable: () => undefined, disable: () => '', enabled: () => false, formatters: {}, names: [], skips: [] });`,
      loader: 'js',
    }));
  },
};

/** Where `npm run build` leaves the server: the Dockerfile copies it to the image's server/. */
export const DEFAULT_OUT_DIR = path.join(root, 'dist', 'server');

export async function buildServer(outDir = DEFAULT_OUT_DIR): Promise<Metafile> {
  rmSync(outDir, { recursive: true, force: true });
  const result = await build({
    // The metafile names files relative to the checkout.
    absWorkingDir: root,
    entryPoints: [path.join(root, 'server', 'cli.ts')],
    outdir: outDir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    minify: true,
    // Not loaded unless node runs with --enable-source-maps (README.md; DOCS.md asks for stacks as they are).
    sourcemap: 'linked',
    external: EXTERNAL_PACKAGES,
    banner: { js: REQUIRE_SHIM },
    plugins: [neverCalled, debugOff],
    alias: {
      // mqtt.js's streams come from readable-stream, a copy of Node's own for browsers.
      'readable-stream': 'node:stream',
      // @fastify/send's types for ui/dist (HTML, JavaScript, CSS): the standard ones are enough,
      // without mime's 1,500 vendor types.
      mime: 'mime/lite',
    },
    metafile: true,
    logLevel: 'warning',
  });
  cpSync(path.join(root, 'server'), outDir, { recursive: true, filter: (file) => !file.endsWith('.ts') });
  return result.metafile;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildServer(process.argv[2] ? path.resolve(process.argv[2]) : undefined);
