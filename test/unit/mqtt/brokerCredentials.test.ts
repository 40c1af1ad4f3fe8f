import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { createLogger } from '../../../server/core/logger.ts';
import { BrokerCredentialsError, CREDENTIALS_FILE, loadBrokerCredentials } from '../../../server/mqtt/brokerCredentials.ts';

let root: string;
let dataDir: string;
let file: string;
let logged: string;
const log = () =>
  createLogger(
    'info',
    new Writable({
      write: (c, _e, cb) => {
        logged += c.toString();
        cb();
      },
    }),
  );
const mode = async (p: string) => (await stat(p)).mode & 0o777;

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'ww-cred-'));
  // A data directory that does not exist yet: the first start creates it.
  dataDir = path.join(root, 'data');
  file = path.join(dataDir, CREDENTIALS_FILE);
  logged = '';
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('embedded broker credentials', () => {
  it('are generated on first start in a 0600 file and the same on the next start', async () => {
    const first = await loadBrokerCredentials(dataDir, log());
    expect(first.username).toBe('wattwire');
    expect(first.password).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(await mode(file)).toBe(0o600);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(first);
    expect(await loadBrokerCredentials(dataDir, log())).toEqual(first);
    expect(logged).not.toContain(first.password);
  });

  it('fix a file readable by others to 0600 and keep its credentials', async () => {
    const first = await loadBrokerCredentials(dataDir, log());
    await chmod(file, 0o644);
    expect(await loadBrokerCredentials(dataDir, log())).toEqual(first);
    expect(await mode(file)).toBe(0o600);
    expect(logged).toContain(file);
  });

  it('are generated anew when the file is corrupt, with a warning naming it and the old file kept aside', async () => {
    await mkdir(dataDir, { recursive: true });
    await writeFile(file, '{"username": "wattwire", "pass');
    const fresh = await loadBrokerCredentials(dataDir, log());
    expect(fresh.password).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(await readFile(`${file}.corrupt`, 'utf8')).toBe('{"username": "wattwire", "pass');
    expect(logged).toContain(`${file} does not hold`);
    expect(await loadBrokerCredentials(dataDir, log())).toEqual(fresh);
  });

  it('give an error naming the file when it cannot be read', async () => {
    await mkdir(file, { recursive: true });
    const err = await loadBrokerCredentials(dataDir, log()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BrokerCredentialsError);
    expect((err as Error).message).toContain(file);
  });
});
