/**
 * AES-128-GCM of general-glo-ciphering and the service-specific glo APDUs
 * (protocols/dlms-cosem.md §7): IV = system title ‖ frame counter, 12-byte tag,
 * AAD = SC ‖ AK (‖ plaintext when authentication-only).
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { DlmsAuthError, DlmsDecodeError, DlmsKeyMissingError, DlmsUnsupportedError } from './errors.ts';

export const TAG_LENGTH = 12;
const AUTHENTICATED = 0x10;
const ENCRYPTED = 0x20;
const COMPRESSED = 0x80;

export interface DlmsKeys {
  encryptionKey: Buffer;
  /** Needed to verify the tag when the security control has the authentication bit. */
  authenticationKey?: Buffer;
}

export interface CipherParams {
  systemTitle: Buffer;
  securityControl: number;
  frameCounter: number;
}

function iv(p: CipherParams): Buffer {
  if (p.systemTitle.length !== 8) throw new DlmsDecodeError(`system title of ${p.systemTitle.length} bytes, expected 8`);
  const b = Buffer.alloc(12);
  p.systemTitle.copy(b, 0);
  b.writeUInt32BE(p.frameCounter >>> 0, 8);
  return b;
}

export function securityName(sc: number): 'none' | 'authenticated' | 'encrypted' | 'authenticated-encrypted' {
  if ((sc & (AUTHENTICATED | ENCRYPTED)) === (AUTHENTICATED | ENCRYPTED)) return 'authenticated-encrypted';
  if (sc & ENCRYPTED) return 'encrypted';
  if (sc & AUTHENTICATED) return 'authenticated';
  return 'none';
}

function checkKey(key: Buffer | undefined, what: string): Buffer {
  if (!key) throw new DlmsKeyMissingError(`an ${what} key is needed for this telegram`);
  if (key.length !== 16) throw new DlmsKeyMissingError(`the ${what} key must be 16 bytes`);
  return key;
}

/**
 * Plaintext of a ciphered payload. A tag that does not verify throws DlmsAuthError.
 * Without an authentication key the tag cannot be checked, so the content is only decrypted.
 */
export function decryptPayload(p: CipherParams, payload: Buffer, keys: DlmsKeys): Buffer {
  const sc = p.securityControl;
  if (sc & COMPRESSED) throw new DlmsUnsupportedError('compressed ciphered APDUs are not supported');
  const ek = checkKey(keys.encryptionKey, 'encryption');
  const authenticated = (sc & AUTHENTICATED) !== 0;
  const encrypted = (sc & ENCRYPTED) !== 0;
  if (authenticated && payload.length < TAG_LENGTH)
    throw new DlmsDecodeError(`ciphered payload of ${payload.length} bytes has no room for a tag`);
  const body = authenticated ? payload.subarray(0, payload.length - TAG_LENGTH) : payload;
  if (authenticated && keys.authenticationKey) {
    const ak = checkKey(keys.authenticationKey, 'authentication');
    const d = createDecipheriv('aes-128-gcm', ek, iv(p), { authTagLength: TAG_LENGTH });
    d.setAAD(Buffer.concat([Buffer.from([sc]), ak, encrypted ? Buffer.alloc(0) : body]));
    d.setAuthTag(payload.subarray(payload.length - TAG_LENGTH));
    const out = encrypted ? d.update(body) : Buffer.alloc(0);
    try {
      d.final();
    } catch {
      throw new DlmsAuthError('authentication tag does not verify: wrong encryption or authentication key');
    }
    return encrypted ? out : Buffer.from(body);
  }
  if (!encrypted) return Buffer.from(body);
  // GCM without its tag is CTR mode starting at counter 2 (J0 + 1).
  const d = createDecipheriv('aes-128-ctr', ek, Buffer.concat([iv(p), Buffer.from([0, 0, 0, 2])]));
  return Buffer.concat([d.update(body), d.final()]);
}

/** Ciphertext (‖ tag) for `plaintext`: the inverse of decryptPayload, for clients and tests. */
export function encryptPayload(p: CipherParams, plaintext: Buffer, keys: DlmsKeys): Buffer {
  const sc = p.securityControl;
  const ek = checkKey(keys.encryptionKey, 'encryption');
  const authenticated = (sc & AUTHENTICATED) !== 0;
  const encrypted = (sc & ENCRYPTED) !== 0;
  if (authenticated) {
    const ak = checkKey(keys.authenticationKey, 'authentication');
    const e = createCipheriv('aes-128-gcm', ek, iv(p), { authTagLength: TAG_LENGTH });
    e.setAAD(Buffer.concat([Buffer.from([sc]), ak, encrypted ? Buffer.alloc(0) : plaintext]));
    let body = plaintext;
    if (encrypted) body = Buffer.concat([e.update(plaintext), e.final()]);
    else e.final();
    return Buffer.concat([body, e.getAuthTag()]);
  }
  if (!encrypted) return Buffer.from(plaintext);
  const e = createCipheriv('aes-128-ctr', ek, Buffer.concat([iv(p), Buffer.from([0, 0, 0, 2])]));
  return Buffer.concat([e.update(plaintext), e.final()]);
}
