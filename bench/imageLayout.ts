/**
 * The add-on image's layout in a temporary directory, as the Dockerfile builds it: the
 * bundled server (scripts/buildServer.ts, what `npm run build:server` writes to dist/server)
 * with its data files beside it, ui/dist, package.json and the production dependencies alone
 * (node_modules copied, then `npm prune --omit=dev --offline`). The idle bench runs `node <add-on flags> server/cli.js`
 * there, so that what is measured is what ships rather than the tsx source tree.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildServer } from '../scripts/buildServer.ts';

const ROOT = new URL('..', import.meta.url).pathname;

export interface ImageLayout {
  dir: string;
  remove(): void;
}

export async function buildImageLayout(): Promise<ImageLayout> {
  if (!existsSync(path.join(ROOT, 'ui/dist'))) throw new Error('ui/dist is missing: run npm run build:ui first');
  const dir = mkdtempSync(path.join(tmpdir(), 'ww-image-'));
  await buildServer(path.join(dir, 'server'));
  cpSync(path.join(ROOT, 'ui/dist'), path.join(dir, 'ui/dist'), { recursive: true });
  for (const file of ['package.json', 'package-lock.json']) cpSync(path.join(ROOT, file), path.join(dir, file));
  cpSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), { recursive: true, verbatimSymlinks: true });
  execFileSync('npm', ['prune', '--omit=dev', '--offline', '--no-audit', '--no-fund'], { cwd: dir, stdio: 'ignore' });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
