/**
 * One pushed telegram (an APDU, plain or ciphered) to readings. Distinguishes
 * a failed tag (DlmsAuthError) and undecodable plaintext after decryption
 * (DlmsDecryptError) from a malformed plain APDU (DlmsDecodeError).
 */
import { decodeApdu, type Apdu } from './apdu.ts';
import { formatDateTime } from './datetime.ts';
import { DlmsDecodeError, DlmsDecryptError, DlmsKeyMissingError } from './errors.ts';
import { dsmrTimestamp, isDsmrText, readingsFromDsmr } from './dsmr.ts';
import { makeReading, readingsFromBody, type CosemReading } from './readings.ts';
import { decryptPayload, securityName, type DlmsKeys } from './security.ts';

const DSMR_CLOCK = '0-0:1.0.0.255';

export interface Telegram {
  kind: 'data-notification' | 'event-notification' | 'dsmr-text';
  /** Sender's system title in upper-case hex, when the telegram was ciphered with one. */
  systemTitle: string | null;
  security: ReturnType<typeof securityName>;
  frameCounter: number | null;
  invokeId: number | null;
  /** The meter's own time stamp (epoch ms) when it sent one with a known UTC offset. */
  timestamp: number | null;
  dateTime: string | null;
  readings: CosemReading[];
}

/** Keys for a system title (null for service-specific glo APDUs, which carry none). */
export type KeyLookup = (systemTitle: Buffer | null) => DlmsKeys | undefined;

export function decodeTelegram(apdu: Buffer, keysFor: KeyLookup): Telegram {
  const outer = decodeApdu(apdu);
  if (outer.type !== 'ciphered') return fromPlain(outer, { systemTitle: null, security: 'none', frameCounter: null });
  const meta = {
    systemTitle: outer.systemTitle ? outer.systemTitle.toString('hex').toUpperCase() : null,
    security: securityName(outer.securityControl),
    frameCounter: outer.frameCounter,
  };
  const keys = keysFor(outer.systemTitle);
  if (!keys)
    throw new DlmsKeyMissingError(`encrypted telegram from system title ${meta.systemTitle ?? '(none)'} but no key is configured for it`);
  if (!outer.systemTitle)
    throw new DlmsDecodeError('service-specific ciphered APDU without a system title cannot be decrypted from a push');
  const params = { systemTitle: outer.systemTitle, securityControl: outer.securityControl, frameCounter: outer.frameCounter };
  const plaintext = decryptPayload(params, outer.payload, keys);
  const verified = (outer.securityControl & 0x10) !== 0 && keys.authenticationKey !== undefined;
  if (isDsmrText(plaintext)) {
    const readings = readingsFromDsmr(plaintext.toString('latin1'));
    const clock = readings.find((r) => r.obis === DSMR_CLOCK);
    const time = clock ? dsmrTimestamp(clock.raw) : null;
    return { kind: 'dsmr-text', ...meta, invokeId: null, timestamp: time?.epochMs ?? null, dateTime: time?.iso ?? null, readings };
  }
  try {
    return fromPlain(decodeApdu(plaintext), meta);
  } catch (err) {
    // Without a verified tag, garbage after decryption is the signature of a wrong key.
    if (!verified && err instanceof DlmsDecodeError)
      throw new DlmsDecryptError(`decrypted telegram is not a valid APDU (wrong encryption key?): ${err.message}`);
    throw err;
  }
}

function fromPlain(apdu: Apdu, meta: Pick<Telegram, 'systemTitle' | 'security' | 'frameCounter'>): Telegram {
  if (apdu.type === 'data-notification') {
    return {
      kind: 'data-notification',
      ...meta,
      invokeId: apdu.invokeId & 0xffffff,
      timestamp: apdu.dateTime?.timestamp ?? null,
      dateTime: apdu.dateTime ? formatDateTime(apdu.dateTime) : null,
      readings: readingsFromBody(apdu.body),
    };
  }
  if (apdu.type === 'event-notification') {
    return {
      kind: 'event-notification',
      ...meta,
      invokeId: null,
      timestamp: apdu.dateTime?.timestamp ?? null,
      dateTime: apdu.dateTime ? formatDateTime(apdu.dateTime) : null,
      readings: [makeReading(apdu.obis, apdu.value)],
    };
  }
  throw new DlmsDecodeError(`${apdu.type} is not a pushed notification`);
}

/** The clear-text system title of a general-glo/ded-ciphering APDU (for routing before decryption). */
export function cipheredSystemTitle(apdu: Buffer): string | null {
  if ((apdu[0] !== 0xdb && apdu[0] !== 0xdc) || apdu[1] !== 0x08 || apdu.length < 10) return null;
  return apdu.subarray(2, 10).toString('hex').toUpperCase();
}
