/**
 * `wattwire cert generate [--dir DATA_DIR] [--force]`, `wattwire cert lfdi --cert FILE`,
 * `wattwire cert import --cert FILE --key FILE [--dir DATA_DIR]`. DATA_DIR defaults to
 * $WATTWIRE_DATA_DIR or ./data; the identity lives in DATA_DIR/certs/.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { groupLfdi } from '../protocols/ieee2030_5/identity.ts';
import { readImportFile } from './importFile.ts';
import { CertificateError, summariseCertificate, type CertificateSummary } from './inspect.ts';
import { CERT_FILE, CertificateExistsError, certDir, generateAndStore, importCredentialsFromFiles } from './store.ts';

const USAGE = `usage:
  wattwire cert generate [--dir DATA_DIR] [--force]
  wattwire cert lfdi --cert FILE
  wattwire cert import --cert FILE --key FILE [--dir DATA_DIR]`;

export async function runCertCli(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: { dir: { type: 'string' }, force: { type: 'boolean' }, cert: { type: 'string' }, key: { type: 'string' } },
    strict: true,
  });
  const dataDir = values.dir ?? process.env.WATTWIRE_DATA_DIR ?? './data';
  try {
    if (command === 'generate') {
      const summary = await generateAndStore(dataDir, { confirm: values.force === true });
      console.log(`wrote ${path.join(certDir(dataDir), CERT_FILE)} and its key (mode 0600)`);
      printIdentity(summary);
      console.log('Register this LFDI with your utility (Xcel: Energy Launchpad → Add a Device).');
    } else if (command === 'lfdi') {
      if (!values.cert) throw new CertificateError('--cert FILE is required');
      printIdentity(summariseCertificate(await readImportFile(values.cert, 'certificate')));
    } else if (command === 'import') {
      if (!values.cert || !values.key) throw new CertificateError('--cert FILE and --key FILE are required');
      printIdentity(await importCredentialsFromFiles(dataDir, values.cert, values.key));
    } else {
      console.error(USAGE);
      process.exitCode = 2;
    }
  } catch (err) {
    if (!(err instanceof CertificateError) && (err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    console.error(`error: ${(err as Error).message}${err instanceof CertificateExistsError ? ' (use --force)' : ''}`);
    process.exitCode = 1;
  }
}

function printIdentity(s: CertificateSummary): void {
  console.log(`LFDI: ${s.lfdi}`);
  console.log(`LFDI (grouped): ${groupLfdi(s.lfdi)}`);
  console.log(`SFDI: ${s.sfdi}`);
  console.log(`valid until: ${s.notAfter} (${s.daysLeft} days)`);
}
