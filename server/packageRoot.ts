/**
 * Where the package is installed and its version. The package.json is looked for upwards
 * from this module because the compiled server sits at different depths: `server/` beside it
 * in the image and in a checkout run through tsx, `dist/server/` in a checkout after
 * `npm run build` (the `bin`).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'wattwire';

export class PackageRootError extends Error {}

export interface PackageRoot {
  dir: string;
  version: string;
}

/** The nearest directory at or above `from` whose package.json is this package's. */
export function findPackageRoot(from: string): PackageRoot {
  let dir = path.resolve(from);
  for (;;) {
    const manifest = readManifest(path.join(dir, 'package.json'));
    if (manifest?.name === PACKAGE_NAME && typeof manifest.version === 'string') return { dir, version: manifest.version };
    const parent = path.dirname(dir);
    if (parent === dir) throw new PackageRootError(`no package.json of ${PACKAGE_NAME} in ${from} or any directory above it`);
    dir = parent;
  }
}

function readManifest(file: string): { name?: unknown; version?: unknown } | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  try {
    return JSON.parse(text) as { name?: unknown; version?: unknown };
  } catch {
    return null;
  }
}

export const PACKAGE_ROOT: PackageRoot = findPackageRoot(path.dirname(fileURLToPath(import.meta.url)));
