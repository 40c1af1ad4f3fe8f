import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCertCli } from '../../../server/certs/cli.ts';
import { loadClientCredentials } from '../../../server/certs/store.ts';

let dir: string;
let out: string[];
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'wattwire-certcli-'));
  out = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  process.exitCode = undefined;
});
afterEach(async () => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
  await rm(dir, { recursive: true, force: true });
});

describe('wattwire cert', () => {
  it('lfdi --cert prints the LFDI and SFDI of the worked example', async () => {
    await runCertCli(['lfdi', '--cert', new URL('../../fixtures/itron/lfdi-example/test-client-cert.pem', import.meta.url).pathname]);
    expect(out).toContain('LFDI: FA1571F88C93983E7C89DA3A5455DE788D16BE63');
    expect(out).toContain('LFDI (grouped): FA157-1F88C-93983-E7C89-DA3A5-455DE-788D1-6BE63');
    expect(out).toContain('SFDI: 671313509203');
  });

  it('generate writes the identity; a second generate needs --force', async () => {
    await runCertCli(['generate', '--dir', dir]);
    const first = await loadClientCredentials(dir);
    expect(out.join('\n')).toContain(`LFDI: ${first?.lfdi}`);
    await runCertCli(['generate', '--dir', dir]);
    expect(process.exitCode).toBe(1);
    expect(out.at(-1)).toMatch(/already exists.*--force/);
    expect((await loadClientCredentials(dir))?.lfdi).toBe(first?.lfdi);
    process.exitCode = undefined;
    await runCertCli(['generate', '--dir', dir, '--force']);
    expect((await loadClientCredentials(dir))?.lfdi).not.toBe(first?.lfdi);
  });

  it('names a missing file', async () => {
    await runCertCli(['lfdi', '--cert', path.join(dir, 'nope.pem')]);
    expect(process.exitCode).toBe(1);
    expect(out.at(-1)).toMatch(/nope\.pem/);
  });

  it('lfdi reads at most 64 KB of the file it is given', async () => {
    const big = path.join(dir, 'big.pem');
    await writeFile(big, Buffer.alloc(200 * 1024, 0x41));
    await runCertCli(['lfdi', '--cert', big]);
    expect(process.exitCode).toBe(1);
    expect(out.at(-1)).toMatch(/big\.pem is larger than 64 KB/);
  });
});
