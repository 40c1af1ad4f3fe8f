/**
 * A 2030.5 client identity as the meter expects it (protocols/ieee2030-5.md §3): P-256 key,
 * ecdsa-with-SHA256, KeyUsage critical digitalSignature, the critical self-signed-client
 * certificate policy, and a long validity because a new certificate means a new LFDI to register.
 */
import { webcrypto } from 'node:crypto';
// Only for @peculiar/x509, whose dependency injection (tsyringe) needs the Reflect metadata API loaded first.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

/** IEEE 2030.5 policy OID for self-signed client certificates. */
export const SELF_SIGNED_CLIENT_POLICY = '1.3.6.1.4.1.40732.2.2';
export const DEFAULT_SUBJECT = 'CN=MeterReaderHanClient';
/** The old bridge's generate_keys.sh used 1094 days. */
export const DEFAULT_VALIDITY_DAYS = 1094;

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

export interface GeneratedIdentity {
  certPem: string;
  keyPem: string;
}

export async function generateClientIdentity(
  opts: { subject?: string; validityDays?: number; now?: Date } = {},
): Promise<GeneratedIdentity> {
  return selfSigned({
    subject: opts.subject ?? DEFAULT_SUBJECT,
    notBefore: opts.now ?? new Date(),
    validityDays: opts.validityDays ?? DEFAULT_VALIDITY_DAYS,
    extensions: async (publicKey) => [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.CertificatePolicyExtension([SELF_SIGNED_CLIENT_POLICY], true),
      await x509.SubjectKeyIdentifierExtension.create(publicKey),
    ],
  });
}

/** A meter's own device certificate: self-signed P-256 without extensions, as no public CA issues them. */
export function generateDeviceIdentity(opts: { subject: string; notBefore: Date; validityDays: number }): Promise<GeneratedIdentity> {
  return selfSigned({ ...opts, extensions: async () => [] });
}

async function selfSigned(opts: {
  subject: string;
  notBefore: Date;
  validityDays: number;
  extensions: (publicKey: CryptoKey) => Promise<x509.Extension[]>;
}): Promise<GeneratedIdentity> {
  const keys = (await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as unknown as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: opts.subject,
    notBefore: opts.notBefore,
    notAfter: new Date(opts.notBefore.getTime() + opts.validityDays * 86_400_000),
    signingAlgorithm: ALGORITHM,
    keys,
    extensions: await opts.extensions(keys.publicKey),
  });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey as unknown as webcrypto.CryptoKey);
  return { certPem: cert.toString('pem'), keyPem: x509.PemConverter.encode(pkcs8, 'PRIVATE KEY') };
}

/** A positive 16-byte serial (first bit clear so DER keeps it positive). */
function randomSerial(): string {
  const bytes = Buffer.from(webcrypto.getRandomValues(new Uint8Array(16)));
  bytes.writeUInt8(bytes.readUInt8(0) & 0x7f, 0);
  return bytes.toString('hex');
}
