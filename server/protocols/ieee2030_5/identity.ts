/**
 * IEEE 2030.5 device identity (protocols/ieee2030-5.md §4): the LFDI is the first 160 bits
 * of SHA-256 over the certificate's DER; the SFDI is its first 36 bits in decimal plus a
 * check digit that makes the digit sum a multiple of 10.
 */
import { createHash } from 'node:crypto';

export function lfdiFromDer(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('hex').slice(0, 40).toUpperCase();
}

export function sfdiFromLfdi(lfdi: string): string {
  const hex = normaliseLfdi(lfdi);
  if (!hex) throw new Error(`"${lfdi}" is not a 40-hex-digit LFDI`);
  const n = BigInt(`0x${hex.slice(0, 9)}`);
  const sum = [...n.toString()].reduce((acc, d) => acc + Number(d), 0);
  return (n * 10n + BigInt((10 - (sum % 10)) % 10)).toString();
}

/** Upper-case 40 hex digits; accepts the portal's dashed 5×8 form. Null when not an LFDI. */
export function normaliseLfdi(text: string): string | null {
  const hex = text.replace(/[\s:-]/g, '').toUpperCase();
  return /^[0-9A-F]{40}$/.test(hex) ? hex : null;
}

/** The LFDI as Xcel's Launchpad shows it: eight dash-separated groups of five. */
export function groupLfdi(lfdi: string): string {
  return (normaliseLfdi(lfdi) ?? lfdi).match(/.{1,5}/g)?.join('-') ?? lfdi;
}
