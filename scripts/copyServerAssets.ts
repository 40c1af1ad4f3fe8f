/**
 * Copies the server's data files (simulator pages and captures, the Venus CA certificate)
 * beside the compiled code, which reads them from its own location: `npm run build` gives a
 * dist/server that runs as it is, in a checkout (the `bin`) and in the image.
 * Usage: node --import tsx scripts/copyServerAssets.ts [outDir, default dist/server]
 */
import { cpSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const source = path.join(root, 'server');
const target = path.resolve(process.argv[2] ?? path.join(root, 'dist', 'server'));

cpSync(source, target, { recursive: true, filter: (file) => !file.endsWith('.ts') });
