/** What a client certificate says about itself, and whether a key belongs to it. */
import { type KeyObject, X509Certificate as NodeX509, createPrivateKey, createPublicKey } from 'node:crypto';
import { lfdiFromDer, sfdiFromLfdi } from '../protocols/ieee2030_5/identity.ts';

/** The meter, the UI and the driver warn this many days before the certificate expires. */
export const EXPIRY_WARNING_DAYS = 30;

export class CertificateError extends Error {}

/** Generating over an existing identity without the confirmation. */
export class CertificateExistsError extends CertificateError {}

export interface CertificateSummary {
  lfdi: string;
  sfdi: string;
  /** SHA-256 of the DER, colon-separated, as `openssl x509 -fingerprint -sha256` prints it. */
  fingerprint: string;
  subject: string;
  notBefore: string;
  notAfter: string;
  daysLeft: number;
  expiresSoon: boolean;
  keyType: string;
}

export function parseCertificate(certPem: string): NodeX509 {
  try {
    return new NodeX509(certPem);
  } catch (err) {
    throw new CertificateError(`the certificate is not a valid PEM or DER X.509 certificate (${(err as Error).message})`);
  }
}

export function summariseCertificate(certPem: string, now = new Date()): CertificateSummary {
  const cert = parseCertificate(certPem);
  const lfdi = lfdiFromDer(cert.raw);
  const notAfter = new Date(cert.validTo);
  const daysLeft = Math.floor((notAfter.getTime() - now.getTime()) / 86_400_000);
  return {
    lfdi,
    sfdi: sfdiFromLfdi(lfdi),
    fingerprint: cert.fingerprint256,
    subject: cert.subject.replace(/\n/g, ', '),
    notBefore: new Date(cert.validFrom).toISOString(),
    notAfter: notAfter.toISOString(),
    daysLeft,
    expiresSoon: daysLeft <= EXPIRY_WARNING_DAYS,
    keyType: describeKey(cert),
  };
}

/** Throws a CertificateError naming the problem unless `keyPem` is the private key of `certPem`. */
export function assertKeyMatchesCertificate(certPem: string, keyPem: string): void {
  const cert = parseCertificate(certPem);
  let key: KeyObject;
  try {
    key = createPrivateKey(keyPem);
  } catch (err) {
    throw new CertificateError(`the key is not a valid PEM private key (${(err as Error).message})`);
  }
  const fromKey = createPublicKey(key).export({ type: 'spki', format: 'der' });
  const fromCert = cert.publicKey.export({ type: 'spki', format: 'der' });
  if (!fromKey.equals(fromCert)) throw new CertificateError('the key does not belong to the certificate (their public keys differ)');
  if (describeKey(cert) !== 'EC P-256') {
    throw new CertificateError(`the certificate has a ${describeKey(cert)} key; IEEE 2030.5 meters need EC P-256`);
  }
}

function describeKey(cert: NodeX509): string {
  const details = cert.publicKey.asymmetricKeyDetails;
  if (cert.publicKey.asymmetricKeyType !== 'ec') return cert.publicKey.asymmetricKeyType ?? 'unknown';
  return details?.namedCurve === 'prime256v1' ? 'EC P-256' : `EC ${details?.namedCurve ?? 'unknown curve'}`;
}
