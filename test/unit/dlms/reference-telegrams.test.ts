/** Every real telegram of protocols/dlms-cosem.md §8 decodes (and decrypts with its published key) to the documented values. */
import { describe, expect, it } from 'vitest';
import { ApduStream } from '../../../server/protocols/dlms/apduStream.ts';
import { decodeApdu } from '../../../server/protocols/dlms/apdu.ts';
import { DlmsAuthError, DlmsDecryptError, DlmsKeyMissingError } from '../../../server/protocols/dlms/errors.ts';
import { decryptPayload } from '../../../server/protocols/dlms/security.ts';
import { decodeTelegram } from '../../../server/protocols/dlms/telegram.ts';
import { dsmrTimestamp, readingsFromDsmr } from '../../../server/protocols/dlms/dsmr.ts';
import { mapReadings } from '../../../server/drivers/dlms/readingMapper.ts';
import { dsmrClock } from '../../../server/sim/dlms/meterModel.ts';
import { fixtureHex, fixtureText, hex, KEYS } from './fixtures.ts';

function onlyApdu(bytes: Buffer): Buffer {
  const items = new ApduStream().push(bytes);
  expect(items.map((i) => i.kind)).toEqual(['apdu']);
  const item = items[0];
  if (item!.kind !== 'apdu') throw new Error('no APDU');
  return item!.apdu;
}

const byObis = (readings: { obis: string; value: unknown; unit?: string }[]) =>
  Object.fromEntries(readings.map((r) => [r.obis, { value: r.value, unit: r.unit }]));

describe('TINETZ Kaifa MA309 (§8.1, M-Bus, SC 0x21)', () => {
  const apdu = onlyApdu(fixtureHex('tinetz-ma309-mbus.hex'));

  it('reassembles the two M-Bus segments into the general-glo-ciphering APDU', () => {
    expect(apdu.length).toBe(245 + 33);
    const outer = decodeApdu(apdu);
    expect(outer).toMatchObject({ type: 'ciphered', tag: 0xdb, securityControl: 0x21, frameCounter: 2_710_426 });
    if (outer.type !== 'ciphered') throw new Error();
    expect(outer.systemTitle?.toString('hex')).toBe('4b464d1010000023');
    expect(outer.payload.length).toBe(260);
    expect(
      decryptPayload(
        { systemTitle: outer.systemTitle!, securityControl: 0x21, frameCounter: outer.frameCounter },
        outer.payload,
        KEYS.tinetz,
      ),
    ).toEqual(fixtureHex('tinetz-ma309-plaintext.hex'));
  });

  it('decrypts to the documented readings', () => {
    const t = decodeTelegram(apdu, () => KEYS.tinetz);
    expect(t).toMatchObject({
      kind: 'data-notification',
      systemTitle: '4B464D1010000023',
      security: 'encrypted',
      frameCounter: 2_710_426,
      dateTime: '2021-07-19T15:46:35+02:00',
    });
    expect(t.timestamp).toBe(Date.UTC(2021, 6, 19, 13, 46, 35));
    expect(byObis(t.readings)).toEqual({
      '0-0:1.0.0.255': { value: '2021-07-19T15:46:35+02:00', unit: undefined },
      '0-0:96.1.0.255': { value: '1KFM0100000035', unit: undefined },
      '0-0:42.0.0.255': { value: 'KFM1100100000035', unit: undefined },
      '1-0:32.7.0.255': { value: 230.8, unit: 'V' },
      '1-0:31.7.0.255': { value: 0, unit: 'A' },
      '1-0:1.7.0.255': { value: 0, unit: 'W' },
      '1-0:2.7.0.255': { value: 0, unit: 'W' },
      '1-0:1.8.0.255': { value: 9108, unit: 'Wh' },
      '1-0:2.8.0.255': { value: 0, unit: 'Wh' },
      '1-0:3.8.0.255': { value: 96, unit: 'varh' },
      '1-0:4.8.0.255': { value: 9, unit: 'varh' },
    });
  });

  it('a wrong key without a tag gives DlmsDecryptError, not readings', () => {
    expect(() => decodeTelegram(apdu, () => ({ encryptionKey: Buffer.alloc(16, 0x42) }))).toThrow(DlmsDecryptError);
  });

  it('no key gives DlmsKeyMissingError naming the system title', () => {
    expect(() => decodeTelegram(apdu, () => undefined)).toThrow(/4B464D1010000023/);
    expect(() => decodeTelegram(apdu, () => undefined)).toThrow(DlmsKeyMissingError);
  });
});

describe('EVN Kaifa MA309M (§8.2, M-Bus, SC 0x20, flat layout)', () => {
  const apdu = onlyApdu(fixtureHex('evn-ma309m-mbus.hex'));

  it('decrypts to the documented plaintext and readings', () => {
    const outer = decodeApdu(apdu);
    expect(outer).toMatchObject({ type: 'ciphered', securityControl: 0x20, frameCounter: 35 });
    if (outer.type !== 'ciphered') throw new Error();
    expect(decryptPayload({ systemTitle: outer.systemTitle!, securityControl: 0x20, frameCounter: 35 }, outer.payload, KEYS.evn)).toEqual(
      fixtureHex('evn-ma309m-plaintext.hex'),
    );
    const t = decodeTelegram(apdu, () => KEYS.evn);
    expect(t.systemTitle).toBe('4B464D6750000009');
    expect(t.dateTime).toBe('2021-09-27T09:47:15+02:00');
    expect(byObis(t.readings)).toEqual({
      '1-0:1.8.0.255': { value: 12937, unit: 'Wh' },
      '1-0:2.8.0.255': { value: 0, unit: 'Wh' },
      '1-0:1.7.0.255': { value: 0, unit: 'W' },
      '1-0:2.7.0.255': { value: 0, unit: 'W' },
      '1-0:32.7.0.255': { value: 233.7, unit: 'V' },
      '1-0:52.7.0.255': { value: 0, unit: 'V' },
      '1-0:72.7.0.255': { value: 0, unit: 'V' },
      '1-0:31.7.0.255': { value: 0, unit: 'A' },
      '1-0:51.7.0.255': { value: 0, unit: 'A' },
      '1-0:71.7.0.255': { value: 0, unit: 'A' },
      '1-0:13.7.0.255': { value: 1, unit: undefined },
    });
  });
});

describe('Luxembourg Smarty T210-D (§8.3, raw P1, SC 0x30)', () => {
  const apdu = onlyApdu(fixtureHex('smarty-t210d-raw.hex'));

  it('verifies the tag and decrypts the DSMR text', () => {
    const outer = decodeApdu(apdu);
    expect(outer).toMatchObject({ type: 'ciphered', securityControl: 0x30, frameCounter: 370_915 });
    if (outer.type !== 'ciphered') throw new Error();
    expect(outer.systemTitle?.toString('hex')).toBe('534147677001bd54');
    const text = decryptPayload(
      { systemTitle: outer.systemTitle!, securityControl: 0x30, frameCounter: 370_915 },
      outer.payload,
      KEYS.smarty,
    ).toString('latin1');
    expect(text.replace(/\r\n/g, '\n').trim()).toBe(fixtureText('smarty-t210d-plaintext.txt').replace(/\r\n/g, '\n').trim());
    const t = decodeTelegram(apdu, () => KEYS.smarty);
    expect(t.kind).toBe('dsmr-text');
    expect(byObis(t.readings)['1-0:1.8.0.255']).toEqual({ value: 6.695, unit: 'kWh' });
    expect(byObis(t.readings)['1-0:4.8.0.255']).toEqual({ value: 2.745, unit: 'kvarh' });
  });

  it('decodes the hex-encoded logical device name as text and the W/S clock as ISO 8601 (issue 15)', () => {
    const t = decodeTelegram(apdu, () => KEYS.smarty);
    expect(byObis(t.readings)['0-0:42.0.0.255']).toEqual({ value: 'SAG1030700114004' });
    expect(byObis(t.readings)['0-0:1.0.0.255']).toEqual({ value: '2018-01-30T10:21:22+01:00' });
    expect(t.dateTime).toBe('2018-01-30T10:21:22+01:00');
    expect(t.timestamp).toBe(Date.UTC(2018, 0, 30, 9, 21, 22));
    const { readings } = mapReadings(t.readings, new Set());
    expect(readings.find((r) => r.key === 'LOGICAL_DEVICE_NAME')?.value).toBe('SAG1030700114004');
    expect(readings.find((r) => r.key === 'CLOCK')?.value).toBe('2018-01-30T10:21:22+01:00');
  });

  it('the simulator writes the clock in central European winter and summer time', () => {
    expect(dsmrClock(new Date(Date.UTC(2018, 0, 30, 9, 21, 22)))).toBe('180130102122W');
    expect(dsmrClock(new Date(Date.UTC(2018, 6, 30, 8, 21, 22)))).toBe('180730102122S');
    // Summer time starts on the last Sunday of March at 01:00 UTC (25 March 2018).
    expect(dsmrClock(new Date(Date.UTC(2018, 2, 25, 0, 59, 59)))).toBe('180325015959W');
    expect(dsmrClock(new Date(Date.UTC(2018, 2, 25, 1, 0, 0)))).toBe('180325030000S');
  });

  it('summer time is UTC+2, and digits that are not hex text stay numbers', () => {
    expect(dsmrTimestamp('180730102122S')).toEqual({ iso: '2018-07-30T10:21:22+02:00', epochMs: Date.UTC(2018, 6, 30, 8, 21, 22) });
    expect(readingsFromDsmr('/X\r\n0-0:96.7.21(00069)\r\n0-0:42.0.0(4142)\r\n')).toEqual([
      { obis: '0-0:96.7.21.255', value: 69, raw: '00069' },
      { obis: '0-0:42.0.0.255', value: 'AB', raw: '4142' },
    ]);
  });

  it('a wrong authentication key fails the tag with DlmsAuthError', () => {
    const wrong = { ...KEYS.smarty, authenticationKey: Buffer.alloc(16) };
    expect(() => decodeTelegram(apdu, () => wrong)).toThrow(DlmsAuthError);
    const wrongEk = { ...KEYS.smarty, encryptionKey: Buffer.alloc(16) };
    expect(() => decodeTelegram(apdu, () => wrongEk)).toThrow(DlmsAuthError);
  });

  it('one flipped ciphertext bit fails the tag', () => {
    const bad = Buffer.from(apdu);
    bad[100]! ^= 1;
    expect(() => decodeTelegram(bad, () => KEYS.smarty)).toThrow(DlmsAuthError);
  });
});

describe('Green Book vectors (§8.4)', () => {
  it('glo-get-request and its general-glo-ciphering form decrypt to the clock GET', () => {
    const gen = decodeApdu(
      hex('DB 08 4D 4D 4D 00 00 BC 61 4E 1E 30 01 23 45 67 41 13 12 FF 93 5A 47 56 68 27 C4 67 BC 7D 82 5C 3B E4 A7 7C 3F CC 05 6B 6B'),
    );
    const glo = decodeApdu(hex('C8 1E 30 01 23 45 67 41 13 12 FF 93 5A 47 56 68 27 C4 67 BC 7D 82 5C 3B E4 A7 7C 3F CC 05 6B 6B'));
    if (gen.type !== 'ciphered' || glo.type !== 'ciphered') throw new Error();
    expect(glo.systemTitle).toBeNull();
    const params = { systemTitle: hex('4D4D4D0000BC614E'), securityControl: 0x30, frameCounter: 0x01234567 };
    const plain = hex('C0 01 00 00 08 00 00 01 00 00 FF 02 00');
    expect(decryptPayload(params, gen.payload, KEYS.greenBook)).toEqual(plain);
    expect(decryptPayload(params, glo.payload, KEYS.greenBook)).toEqual(plain);
    expect(decodeApdu(plain)).toEqual({ type: 'get-request', invokeIdAndPriority: 0, classId: 8, obis: '0-0:1.0.0.255', attribute: 2 });
  });

  it('glo-initiateRequest decrypts to the InitiateRequest', () => {
    const glo = decodeApdu(
      hex(
        '21 30 30 01 23 45 67 80 13 02 FF 8A 78 74 13 3D 41 4C ED 25 B4 25 34 D2 8D B0 04 77 20 60 6B 17 5B D5 22 11 BE 68 41 DB 20 4D 39 EE 6F DB 8E 35 68 55',
      ),
    );
    if (glo.type !== 'ciphered') throw new Error();
    const params = { systemTitle: hex('4D4D4D0000BC614E'), securityControl: 0x30, frameCounter: glo.frameCounter };
    expect(decryptPayload(params, glo.payload, KEYS.greenBook)).toEqual(
      hex('01 01 10 00 11 22 33 44 55 66 77 88 99 AA BB CC DD EE FF 00 00 06 5F 1F 04 00 00 7E 1F 04 B0'),
    );
  });

  it('authentication-only (SC 0x10) verifies the computed tag and returns the plaintext', () => {
    const plain = hex('01 01 10 00 11 22 33 44 55 66 77 88 99 AA BB CC DD EE FF 00 00 06 5F 1F 04 00 00 7E 1F 04 B0');
    const params = { systemTitle: hex('4D4D4D0000BC614E'), securityControl: 0x10, frameCounter: 0x01234567 };
    const payload = Buffer.concat([plain, hex('CE 0F 5B 42 6A A5 3E 1F FB 73 6C 1E')]);
    expect(decryptPayload(params, payload, KEYS.greenBook)).toEqual(plain);
    payload[0]! ^= 1;
    expect(() => decryptPayload(params, payload, KEYS.greenBook)).toThrow(DlmsAuthError);
  });
});
