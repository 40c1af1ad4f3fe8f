/** Loads the real telegrams in test/fixtures/dlms (see its README for sources and keys). */
import { readFileSync } from 'node:fs';
import path from 'node:path';

const DIR = path.resolve(import.meta.dirname, '../../fixtures/dlms');

export function fixtureHex(name: string): Buffer {
  return Buffer.from(readFileSync(path.join(DIR, name), 'utf8').replace(/\s+/g, ''), 'hex');
}

export function fixtureText(name: string): string {
  return readFileSync(path.join(DIR, name), 'latin1');
}

export const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

export const KEYS = {
  tinetz: { encryptionKey: hex('101112131415161718191A1B1C1D1E1F') },
  evn: { encryptionKey: hex('36C66639E48A8CA4D6BC8B282A793BBB') },
  smarty: { encryptionKey: hex('D491470F47126332B07D1923B3504188'), authenticationKey: hex('00112233445566778899AABBCCDDEEFF') },
  greenBook: { encryptionKey: hex('000102030405060708090A0B0C0D0E0F'), authenticationKey: hex('D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF') },
};
