/**
 * DLMS telegrams decoded (framing + decryption + A-XDR + readings) per second on one core,
 * using the real TINETZ Kaifa MA309 telegram (M-Bus, AES-CTR) and the same plaintext
 * re-sent as an authenticated GCM push in a TCP wrapper.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ApduStream } from '../server/protocols/dlms/apduStream.ts';
import { encryptPayload } from '../server/protocols/dlms/security.ts';
import { decodeTelegram } from '../server/protocols/dlms/telegram.ts';
import { encodeWrapper } from '../server/protocols/dlms/wrapper.ts';

const fixture = (name: string) =>
  Buffer.from(readFileSync(path.resolve(import.meta.dirname, '../test/fixtures/dlms', name), 'utf8').replace(/\s+/g, ''), 'hex');

function measure(wire: Buffer, keys: Parameters<typeof decodeTelegram>[1], ms = 1500): number {
  const stream = new ApduStream();
  let n = 0;
  const end = performance.now() + ms;
  let start = performance.now();
  // Warm up first, so the JIT's work is not counted.
  for (let i = 0; i < 2000; i++) for (const item of stream.push(wire)) if (item.kind === 'apdu') decodeTelegram(item.apdu, keys);
  start = performance.now();
  while (performance.now() < end) {
    for (let i = 0; i < 200; i++) {
      for (const item of stream.push(wire)) {
        if (item.kind === 'apdu' && decodeTelegram(item.apdu, keys).readings.length > 0) n++;
      }
    }
  }
  return Math.round(n / ((performance.now() - start) / 1000));
}

export async function bench(): Promise<Record<string, unknown>[]> {
  const ek = Buffer.from('101112131415161718191A1B1C1D1E1F', 'hex');
  const ak = Buffer.from('D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF', 'hex');
  const systemTitle = Buffer.from('4B464D1010000023', 'hex');
  const plain = fixture('tinetz-ma309-plaintext.hex');
  const gcm = encryptPayload({ systemTitle, securityControl: 0x30, frameCounter: 7 }, plain, { encryptionKey: ek, authenticationKey: ak });
  const content = Buffer.concat([Buffer.from([0x30, 0, 0, 0, 7]), gcm]);
  const glo = Buffer.concat([
    Buffer.from([0xdb, 0x08]),
    systemTitle,
    Buffer.from([0x82, content.length >> 8, content.length & 0xff]),
    content,
  ]);
  return [
    {
      figure: 'dlms_telegrams_decoded_per_s',
      variant: 'tcp_wrapper_aes_gcm_auth_11_registers',
      value: measure(encodeWrapper(1, 1, glo), () => ({ encryptionKey: ek, authenticationKey: ak })),
      unit: 'per_s',
    },
    {
      figure: 'dlms_telegrams_decoded_per_s',
      variant: 'mbus_2_segments_aes_ctr_tinetz_real',
      value: measure(fixture('tinetz-ma309-mbus.hex'), () => ({ encryptionKey: ek })),
      unit: 'per_s',
    },
    {
      figure: 'dlms_telegrams_decoded_per_s',
      variant: 'tcp_wrapper_plain_11_registers',
      value: measure(encodeWrapper(1, 1, plain), () => undefined),
      unit: 'per_s',
    },
  ];
}
