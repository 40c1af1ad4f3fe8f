import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../server/core/logger.ts';
import { generateClientIdentity } from '../../../server/certs/generate.ts';
import { certRoutes } from '../../../server/web/routes/certs.ts';
import type { WebContext } from '../../../server/web/context.ts';
import { routeApp } from '../../support/webApp.ts';

let dataDir: string;
let app: FastifyInstance;
let logged: string;

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'wattwire-certroutes-'));
  logged = '';
  const sink = new Writable({
    write: (chunk, _enc, cb) => {
      logged += String(chunk);
      cb();
    },
  });
  app = await routeApp(certRoutes, { dataDir, log: createLogger('debug', sink) } as unknown as WebContext);
});
afterEach(async () => {
  await app.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('certificate API', () => {
  it('reports no certificate, generates one, and refuses to replace it without confirm', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/certs' })).json()).toEqual({ present: false });
    expect((await app.inject({ method: 'GET', url: '/api/certs/cert.pem' })).statusCode).toBe(404);
    const gen = await app.inject({ method: 'POST', url: '/api/certs/generate', payload: {} });
    expect(gen.statusCode).toBe(200);
    const { lfdi } = gen.json() as { lfdi: string };
    const info = (await app.inject({ method: 'GET', url: '/api/certs' })).json();
    expect(info).toMatchObject({
      present: true,
      lfdi,
      sfdi: expect.stringMatching(/^\d{1,12}$/),
      expiresSoon: false,
      subject: 'CN=MeterReaderHanClient',
      certPem: expect.stringContaining('BEGIN CERTIFICATE'),
    });
    expect(info.daysLeft).toBeGreaterThan(1000);
    const again = await app.inject({ method: 'POST', url: '/api/certs/generate', payload: {} });
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toMatch(/changes the LFDI/);
    const forced = await app.inject({ method: 'POST', url: '/api/certs/generate', payload: { confirm: true } });
    expect(forced.json().lfdi).not.toBe(lfdi);
  });

  it('never returns or logs the private key', async () => {
    await app.inject({ method: 'POST', url: '/api/certs/generate', payload: {} });
    const bodies = [
      (await app.inject({ method: 'GET', url: '/api/certs' })).body,
      (await app.inject({ method: 'GET', url: '/api/certs/cert.pem' })).body,
    ];
    for (const b of bodies) expect(b).not.toMatch(/PRIVATE KEY/);
    expect(bodies[1]).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(logged).not.toMatch(/PRIVATE KEY/);
  });

  it('imports PEM text and file paths, and says what is wrong with a bad pair', async () => {
    const a = await generateClientIdentity();
    const b = await generateClientIdentity();
    const bad = await app.inject({ method: 'POST', url: '/api/certs/import', payload: { certPem: a.certPem, keyPem: b.keyPem } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatch(/key does not belong to the certificate/);
    expect((await app.inject({ method: 'POST', url: '/api/certs/import', payload: { certPem: a.certPem } })).statusCode).toBe(400);
    const ok = await app.inject({ method: 'POST', url: '/api/certs/import', payload: { certPem: a.certPem, keyPem: a.keyPem } });
    expect(ok.statusCode).toBe(200);
    await writeFile(path.join(dataDir, 'old.pem'), b.certPem);
    await writeFile(path.join(dataDir, 'old.key'), b.keyPem);
    const fromFiles = await app.inject({
      method: 'POST',
      url: '/api/certs/import',
      payload: { certPath: path.join(dataDir, 'old.pem'), keyPath: path.join(dataDir, 'old.key') },
    });
    expect(fromFiles.statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/api/certs' })).json().lfdi).toBe(fromFiles.json().lfdi);
    const missing = await app.inject({
      method: 'POST',
      url: '/api/certs/import',
      payload: { certPath: '/ssl/none.pem', keyPath: '/ssl/none.key' },
    });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error).toMatch(/the certificate file \/ssl\/none.pem is not allowed or not found/);
  });
});

describe('certificate import from paths', () => {
  let root: string;
  let outside: string;
  let pathsApp: FastifyInstance;
  const importPaths = (certPath: string, keyPath: string) =>
    pathsApp.inject({ method: 'POST', url: '/api/certs/import', payload: { certPath, keyPath } });

  beforeEach(async () => {
    root = path.join(dataDir, 'ssl');
    outside = path.join(dataDir, 'elsewhere');
    await mkdir(root);
    await mkdir(outside);
    pathsApp = await routeApp(certRoutes, { dataDir: path.join(dataDir, 'data'), log: createLogger('fatal') } as unknown as WebContext, {
      importRoots: [root],
    });
  });
  afterEach(async () => {
    await pathsApp.close();
  });

  it('imports a pair from an allowed folder', async () => {
    const id = await generateClientIdentity();
    await writeFile(path.join(root, 'cert.pem'), id.certPem);
    await writeFile(path.join(root, 'key.pem'), id.keyPem);
    const res = await importPaths(path.join(root, 'cert.pem'), path.join(root, 'key.pem'));
    expect(res.statusCode).toBe(200);
  });

  it('refuses files outside the allowed folders, links out of them included, with one text whether they exist or not', async () => {
    const id = await generateClientIdentity();
    await writeFile(path.join(outside, 'cert.pem'), id.certPem);
    await writeFile(path.join(outside, 'key.pem'), id.keyPem);
    await symlink(path.join(outside, 'key.pem'), path.join(root, 'link.pem'));
    const existing = await importPaths(path.join(outside, 'cert.pem'), path.join(root, 'link.pem'));
    expect(existing.statusCode).toBe(400);
    const absent = await importPaths(path.join(outside, 'none.pem'), path.join(root, 'nolink.pem'));
    expect(absent.statusCode).toBe(400);
    const text = (res: { json(): { error: string } }) => res.json().error.replaceAll(outside, 'X').replaceAll(root, 'R');
    expect(text(existing)).toBe(text(absent).replace('none.pem', 'cert.pem').replace('nolink.pem', 'link.pem'));
    expect(existing.json().error).toMatch(/not allowed or not found/);
    const dotDot = await importPaths(path.join(root, '..', 'elsewhere', 'cert.pem'), path.join(root, 'key.pem'));
    expect(dotDot.json().error).toMatch(/elsewhere\/cert.pem is not allowed or not found/);
  });

  it('refuses a file over 64 KB and anything that is not a regular file', async () => {
    await writeFile(path.join(root, 'big.pem'), Buffer.alloc(64 * 1024 + 1, 0x41));
    await mkdir(path.join(root, 'folder'));
    const res = await importPaths(path.join(root, 'big.pem'), path.join(root, 'folder'));
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatch(/big.pem is larger than 64 KB/);
    expect(res.json().error).toMatch(/folder is not a regular file/);
  });

  it('refuses a named pipe without waiting for a writer', async () => {
    execFileSync('mkfifo', [path.join(root, 'pipe.pem')]);
    const res = await importPaths(path.join(root, 'pipe.pem'), path.join(root, 'pipe.pem'));
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatch(/pipe.pem is not a regular file/);
  });

  it('refuses a device file at once, without reading it', async () => {
    await symlink('/dev/zero', path.join(root, 'zero.pem'));
    const res = await importPaths('/dev/zero', path.join(root, 'zero.pem'));
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatch(/\/dev\/zero is not allowed or not found.*zero.pem is not allowed or not found/);
  });
});
