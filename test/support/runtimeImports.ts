/**
 * The npm packages a compiled tree loads at run time: the bare specifiers of every .js
 * file's static, re-exported and dynamic imports, with Node's builtins and relative paths
 * left out. Read from the built output, where imports used only as types are gone.
 */
import { readdir, readFile } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import path from 'node:path';
import ts from 'typescript';

/** The package a bare specifier names (`@scope/name/sub` → `@scope/name`), or null for a path or builtin. */
export function packageOf(specifier: string): string | null {
  if (specifier.startsWith('.') || specifier.startsWith('/') || isBuiltin(specifier)) return null;
  const [first, second] = specifier.split('/');
  if (first === undefined || first === '') return null;
  return first.startsWith('@') && second !== undefined ? `${first}/${second}` : first;
}

/** Package → the files (relative to `dir`) that import it. */
export async function runtimeImports(dir: string): Promise<Map<string, string[]>> {
  const byPackage = new Map<string, string[]>();
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  for (const entry of entries) {
    if (!entry.isFile() || !entry.name.endsWith('.js')) continue;
    const file = path.join(entry.parentPath, entry.name);
    const { importedFiles } = ts.preProcessFile(await readFile(file, 'utf8'), true, true);
    for (const { fileName } of importedFiles) {
      const pkg = packageOf(fileName);
      if (pkg === null) continue;
      const files = byPackage.get(pkg) ?? [];
      files.push(path.relative(dir, file));
      byPackage.set(pkg, files);
    }
  }
  return byPackage;
}
