import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { X509Certificate, createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
// Only for @peculiar/x509, whose dependency injection (tsyringe) needs the Reflect metadata API loaded first.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { DEFAULT_VALIDITY_DAYS, SELF_SIGNED_CLIENT_POLICY, generateClientIdentity } from '../../../server/certs/generate.ts';
import { CertificateError, assertKeyMatchesCertificate, summariseCertificate } from '../../../server/certs/inspect.ts';
import {
  CertificateExistsError,
  certDir,
  generateAndStore,
  importCredentials,
  importCredentialsFromFiles,
  loadClientCredentials,
} from '../../../server/certs/store.ts';

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'wattwire-certs-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('generated client certificate', () => {
  it('has the fields the meter expects (§3): P-256, ecdsa-with-SHA256, critical policy and key usage, long validity', async () => {
    const id = await generateClientIdentity();
    const cert = new x509.X509Certificate(id.certPem);
    expect(cert.subject).toBe('CN=MeterReaderHanClient');
    expect(cert.issuer).toBe(cert.subject);
    expect(cert.signatureAlgorithm).toMatchObject({ name: 'ECDSA', hash: { name: 'SHA-256' } });
    const policy = cert.getExtension(x509.CertificatePolicyExtension);
    expect(policy?.critical).toBe(true);
    expect(policy?.policies).toEqual([SELF_SIGNED_CLIENT_POLICY]);
    const usage = cert.getExtension(x509.KeyUsagesExtension);
    expect(usage?.critical).toBe(true);
    expect(usage!.usages & x509.KeyUsageFlags.digitalSignature).toBeTruthy();
    const days = (cert.notAfter.getTime() - cert.notBefore.getTime()) / 86_400_000;
    expect(Math.round(days)).toBe(DEFAULT_VALIDITY_DAYS);
    expect(new X509Certificate(id.certPem).publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(await cert.verify({ signatureOnly: true })).toBe(true);
    expect(() => assertKeyMatchesCertificate(id.certPem, id.keyPem)).not.toThrow();
  });

  it('summarises the worked-example certificate with its LFDI and SFDI', async () => {
    const pem = await readFile(new URL('../../fixtures/itron/lfdi-example/test-client-cert.pem', import.meta.url), 'utf8');
    expect(summariseCertificate(pem, new Date('2027-01-01T00:00:00Z'))).toMatchObject({
      lfdi: 'FA1571F88C93983E7C89DA3A5455DE788D16BE63',
      sfdi: '671313509203',
      subject: 'CN=MeterReaderHanClient',
      fingerprint: expect.stringMatching(/^FA:15:71:F8/),
      expiresSoon: false,
    });
    expect(summariseCertificate(pem, new Date('2029-11-01T00:00:00Z'))).toMatchObject({ expiresSoon: true, daysLeft: 20 });
  });
});

describe('certificate store', () => {
  it('stores the key 0600 in <dataDir>/certs and loads the credentials', async () => {
    const s = await generateAndStore(dataDir);
    expect((await stat(path.join(certDir(dataDir), 'key.pem'))).mode & 0o777).toBe(0o600);
    expect(await loadClientCredentials(dataDir)).toMatchObject({
      lfdi: s.lfdi,
      sfdi: s.sfdi,
      notAfter: s.notAfter,
      keyPem: expect.stringContaining('PRIVATE KEY'),
    });
  });

  it('refuses to replace an existing certificate without confirmation', async () => {
    const first = await generateAndStore(dataDir);
    await expect(generateAndStore(dataDir)).rejects.toBeInstanceOf(CertificateExistsError);
    expect((await loadClientCredentials(dataDir))?.lfdi).toBe(first.lfdi);
    const second = await generateAndStore(dataDir, { confirm: true });
    expect(second.lfdi).not.toBe(first.lfdi);
  });

  it('imports the old bridge files (SEC1 "EC PRIVATE KEY") and keeps their LFDI', async () => {
    const id = await generateClientIdentity();
    const sec1 = createPrivateKey(id.keyPem).export({ type: 'sec1', format: 'pem' }) as string;
    await writeFile(path.join(dataDir, '.cert.pem'), id.certPem);
    await writeFile(path.join(dataDir, '.key.pem'), sec1);
    const s = await importCredentialsFromFiles(dataDir, path.join(dataDir, '.cert.pem'), path.join(dataDir, '.key.pem'));
    expect(s.lfdi).toBe(summariseCertificate(id.certPem).lfdi);
    expect((await loadClientCredentials(dataDir))?.lfdi).toBe(s.lfdi);
  });

  it('names what is wrong with a bad import', async () => {
    const a = await generateClientIdentity();
    const b = await generateClientIdentity();
    await expect(importCredentials(dataDir, a.certPem, b.keyPem)).rejects.toThrow(/does not belong to the certificate/);
    await expect(importCredentials(dataDir, 'garbage', a.keyPem)).rejects.toThrow(/not a valid PEM or DER X.509 certificate/);
    await expect(importCredentials(dataDir, a.certPem, 'garbage')).rejects.toThrow(/key is not a valid PEM private key/);
    await expect(importCredentialsFromFiles(dataDir, '/nonexistent/cert.pem', '/nonexistent/key.pem')).rejects.toThrow(
      /cannot read the certificate file \/nonexistent\/cert.pem: no such file; cannot read the key file \/nonexistent\/key.pem: no such file/,
    );
    await expect(importCredentialsFromFiles(dataDir, '/dev/zero', '/dev/zero')).rejects.toThrow(
      /^the certificate path \/dev\/zero is not a regular file; give the file itself; the key path/,
    );
    const certOnly = path.join(dataDir, 'cert-only.pem');
    await writeFile(certOnly, a.certPem);
    await expect(importCredentialsFromFiles(dataDir, certOnly, '/nonexistent/key.pem')).rejects.toThrow(
      /^cannot read the key file \/nonexistent\/key.pem: no such file$/,
    );
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    await expect(
      importCredentials(dataDir, a.certPem, rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string),
    ).rejects.toBeInstanceOf(CertificateError);
    expect(await loadClientCredentials(dataDir)).toBeNull();
  });
});
