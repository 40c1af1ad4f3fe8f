/**
 * Typed DLMS errors. Callers tell "corrupt on the wire" (baud/parity) from "decryption
 * failed" (wrong key) by class, so each maps to its own diagnosis.
 */
export class DlmsError extends Error {
  override name = 'DlmsError';
}

/** A frame failed its checksum or framing (flags, lengths): bytes were damaged on the way. */
export class DlmsFrameError extends DlmsError {
  override name = 'DlmsFrameError';
}

/** An APDU or A-XDR value is truncated or malformed. */
export class DlmsDecodeError extends DlmsError {
  override name = 'DlmsDecodeError';
}

/** Well-formed but outside what this codec implements (general-block-transfer, compact-array, compression). */
export class DlmsUnsupportedError extends DlmsDecodeError {
  override name = 'DlmsUnsupportedError';
}

/** The AES-GCM authentication tag did not verify: wrong encryption or authentication key. */
export class DlmsAuthError extends DlmsError {
  override name = 'DlmsAuthError';
}

/** Decryption ran but produced no valid APDU (no tag to check): almost always a wrong key. */
export class DlmsDecryptError extends DlmsError {
  override name = 'DlmsDecryptError';
}

/** An encrypted telegram arrived but no key is configured for its system title. */
export class DlmsKeyMissingError extends DlmsError {
  override name = 'DlmsKeyMissingError';
}
