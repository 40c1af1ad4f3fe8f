/**
 * The embedded broker's login, generated on first start and kept in
 * `<data dir>/mqtt-credentials.json` (mode 0600), so Home Assistant and other clients keep
 * working across restarts.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as z from 'zod';
import type { Logger } from '../core/logger.ts';

export const CREDENTIALS_FILE = 'mqtt-credentials.json';
export const BROKER_USERNAME = 'wattwire';
const FILE_MODE = 0o600;

export interface BrokerCredentials {
  username: string;
  password: string;
}

export class BrokerCredentialsError extends Error {}

const stored = z.object({ username: z.string().min(1).max(256), password: z.string().min(16).max(256) });

export function generateCredentials(): BrokerCredentials {
  // 24 random bytes: 192 bits, 32 URL-safe characters that survive any client's config form.
  return { username: BROKER_USERNAME, password: randomBytes(24).toString('base64url') };
}

/**
 * The stored login, or a new one written on first start. A corrupt file is kept beside the
 * new one (`.corrupt`) and a warning names it; a file that cannot be read at all is an error.
 */
export async function loadBrokerCredentials(dataDir: string, log: Logger): Promise<BrokerCredentials> {
  const file = path.join(dataDir, CREDENTIALS_FILE);
  await mkdir(dataDir, { recursive: true });
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new BrokerCredentialsError(`cannot read the embedded broker's credentials in ${file}: ${(err as Error).message}`);
    }
    return writeCredentials(file, generateCredentials());
  }
  const parsed = stored.safeParse(parseJson(text));
  if (!parsed.success) {
    await rename(file, `${file}.corrupt`);
    log.warn(
      `${file} does not hold the embedded broker's credentials ({"username","password"}); it was moved to ${file}.corrupt and new ones were generated: clients must use the new password shown in the panel`,
    );
    return writeCredentials(file, generateCredentials());
  }
  const mode = (await stat(file)).mode & 0o777;
  if (mode !== FILE_MODE) {
    await chmod(file, FILE_MODE);
    log.warn(`${file} had mode ${mode.toString(8)}; it is now 600, readable by the add-on only`);
  }
  return parsed.data;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

async function writeCredentials(file: string, credentials: BrokerCredentials): Promise<BrokerCredentials> {
  // Written aside and renamed, so a crash never leaves half a file; created 0600 from the start.
  const temp = `${file}.tmp`;
  await writeFile(temp, `${JSON.stringify(credentials)}\n`, { mode: FILE_MODE });
  await chmod(temp, FILE_MODE);
  await rename(temp, file);
  return credentials;
}
