/**
 * The bridge's one client identity, kept in `<dataDir>/certs/` (key 0600). Generating over an
 * existing identity needs an explicit confirmation: a new certificate is a new LFDI, which
 * breaks the registration at the utility.
 */
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { readImportFile } from './importFile.ts';
import {
  CertificateError,
  CertificateExistsError,
  assertKeyMatchesCertificate,
  summariseCertificate,
  type CertificateSummary,
} from './inspect.ts';

export const CERT_FILE = 'cert.pem';
export const KEY_FILE = 'key.pem';

export interface ClientCredentials {
  certPem: string;
  keyPem: string;
  lfdi: string;
  sfdi: string;
  notAfter: string;
}

export { CertificateExistsError };

export function certDir(dataDir: string): string {
  return path.join(dataDir, 'certs');
}

/** The stored certificate and key, or null when there is none (or only half of it). */
export async function loadClientCredentials(dataDir: string): Promise<ClientCredentials | null> {
  const dir = certDir(dataDir);
  const [certPem, keyPem] = await Promise.all([readIfExists(path.join(dir, CERT_FILE)), readIfExists(path.join(dir, KEY_FILE))]);
  if (certPem === null || keyPem === null) return null;
  const s = summariseCertificate(certPem);
  return { certPem, keyPem, lfdi: s.lfdi, sfdi: s.sfdi, notAfter: s.notAfter };
}

/** Summary of the stored certificate (never the key), or null. */
export async function storedCertificate(dataDir: string): Promise<{ summary: CertificateSummary; certPem: string } | null> {
  const certPem = await readIfExists(path.join(certDir(dataDir), CERT_FILE));
  return certPem === null ? null : { summary: summariseCertificate(certPem), certPem };
}

export async function generateAndStore(dataDir: string, opts: { confirm?: boolean } = {}): Promise<CertificateSummary> {
  if (!opts.confirm && (await storedCertificate(dataDir))) {
    throw new CertificateExistsError(
      'a client certificate already exists; generating a new one changes the LFDI and breaks the registration with your utility. Confirm to replace it.',
    );
  }
  // The X.509 library (350 kB of code) loads only to generate: the 2030.5 driver reads the stored files.
  const { generateClientIdentity } = await import('./generate.ts');
  const id = await generateClientIdentity();
  await writeCredentials(dataDir, id.certPem, id.keyPem);
  return summariseCertificate(id.certPem);
}

/** Import an existing certificate and key (e.g. from the old bridge) after checking they belong together. */
export async function importCredentials(dataDir: string, certPem: string, keyPem: string): Promise<CertificateSummary> {
  assertKeyMatchesCertificate(certPem, keyPem);
  await writeCredentials(dataDir, certPem, keyPem);
  return summariseCertificate(certPem);
}

/** The folders the web API may import from: Home Assistant's /ssl and /share, and the data folder. */
export function importRoots(dataDir: string): string[] {
  return ['/ssl', '/share', dataDir];
}

/** `allowedRoots` limits the paths (the web API); without it any regular file will do (the command line). */
export async function importCredentialsFromFiles(
  dataDir: string,
  certPath: string,
  keyPath: string,
  allowedRoots?: readonly string[],
): Promise<CertificateSummary> {
  const [cert, key] = await Promise.allSettled([
    readImportFile(certPath, 'certificate', allowedRoots),
    readImportFile(keyPath, 'key', allowedRoots),
  ]);
  // Name every unreadable file at once, in a fixed order, so the user fixes both in one go.
  const problems = [cert, key].flatMap((r) => (r.status === 'rejected' ? [(r.reason as Error).message] : []));
  if (cert.status === 'rejected' || key.status === 'rejected') throw new CertificateError(problems.join('; '));
  return importCredentials(dataDir, cert.value, key.value);
}

async function writeCredentials(dataDir: string, certPem: string, keyPem: string): Promise<void> {
  const dir = certDir(dataDir);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await atomicWrite(path.join(dir, KEY_FILE), keyPem, 0o600);
  await atomicWrite(path.join(dir, CERT_FILE), certPem, 0o644);
}

async function atomicWrite(file: string, text: string, mode: number): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, text, { mode });
  await chmod(tmp, mode);
  await rename(tmp, file);
}

async function readIfExists(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}
