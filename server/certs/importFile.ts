/**
 * Reading a certificate or key file named by a user: only regular files, at most 64 KB,
 * and (from the web API) only under the allowed folders. A path outside them gets the same
 * answer whether it exists or not, so the API cannot be used to probe the file system.
 */
import { constants } from 'node:fs';
import { open, realpath, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { CertificateError } from './inspect.ts';

export const MAX_IMPORT_BYTES = 64 * 1024;

/** `allowedRoots` undefined: any path (the command line, run with the user's own rights). */
export async function readImportFile(file: string, what: string, allowedRoots?: readonly string[]): Promise<string> {
  const target = allowedRoots ? await insideRoots(file, what, allowedRoots) : file;
  let handle: FileHandle;
  try {
    // Non-blocking: opening a FIFO must not hang; no following a link swapped in after the check.
    handle = await open(target, constants.O_RDONLY | constants.O_NONBLOCK | (allowedRoots ? constants.O_NOFOLLOW : 0));
  } catch (err) {
    if (allowedRoots) throw notAllowed(file, what, allowedRoots);
    const code = (err as NodeJS.ErrnoException).code;
    throw new CertificateError(`cannot read the ${what} file ${file}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw new CertificateError(`the ${what} path ${file} is not a regular file; give the file itself`);
    if (st.size > MAX_IMPORT_BYTES) throw tooLarge(file, what);
    // The size can lie (procfs) or grow: read one byte past the limit and no more.
    const buf = Buffer.alloc(MAX_IMPORT_BYTES + 1);
    let filled = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buf, filled, buf.length - filled, null);
      if (bytesRead === 0) break;
      filled += bytesRead;
      if (filled > MAX_IMPORT_BYTES) throw tooLarge(file, what);
    }
    return buf.subarray(0, filled).toString('utf8');
  } finally {
    await handle.close();
  }
}

/** The real path of `file` when it lies under one of the real roots; else the one refusal. */
async function insideRoots(file: string, what: string, roots: readonly string[]): Promise<string> {
  const real = await realpath(file).catch(() => undefined);
  if (real !== undefined) {
    for (const root of roots) {
      const realRoot = await realpath(root).catch(() => undefined);
      if (realRoot !== undefined && (real === realRoot || real.startsWith(realRoot.endsWith(path.sep) ? realRoot : realRoot + path.sep))) {
        return real;
      }
    }
  }
  throw notAllowed(file, what, roots);
}

function notAllowed(file: string, what: string, roots: readonly string[]): CertificateError {
  return new CertificateError(`the ${what} file ${file} is not allowed or not found: give a file under ${roots.join(', ')}`);
}

function tooLarge(file: string, what: string): CertificateError {
  return new CertificateError(`the ${what} file ${file} is larger than ${MAX_IMPORT_BYTES / 1024} KB; give the PEM file itself`);
}
