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
 * zod's namespace export carries its 40-odd message locales (260 kB of the bundle, parsed at
 * start); the server's messages are English, the locale zod sets by default.
 */
const zodEnglishOnly: Plugin = {
  name: 'zod-english-only',
  setup(b) {
    b.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, (args) => ({
      contents: "export { default as en } from './en.js';",
      resolveDir: path.dirname(args.path),
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
    plugins: [zodEnglishOnly],
    metafile: true,
    logLevel: 'warning',
  });
  cpSync(path.join(root, 'server'), outDir, { recursive: true, filter: (file) => !file.endsWith('.ts') });
  return result.metafile;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildServer(process.argv[2] ? path.resolve(process.argv[2]) : undefined);
