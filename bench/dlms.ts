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
import { bytes, figure, fill, randomStream, STREAM_BYTES, streamRate, tile } from './hostileInput.ts';
import type { HostileListener } from './hostileListeners.ts';

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

/** The APDU stream over every carrier on hostile bytes (`npm run bench -- hostile`). */
export function hostileFigures(): Record<string, unknown>[] {
  const n = STREAM_BYTES;
  return [
    figure({
      parser: 'dlms_apdu_stream',
      random: randomStream(),
      rate: (input) => streamRate(() => new ApduStream(), input),
      patterns: {
        hdlcFlagRun: fill(0x7e)(n),
        mbusStartRun: fill(0x68)(n),
        wrapperZeros: fill(0x00)(n),
        gloTagRun: fill(0xdb)(n),
        wrapperLongLength: tile(bytes(0, 1, 0, 1, 0, 1, 0xff, 0xff), n),
        hdlcLongFrame: tile(bytes(0x7e, 0xa7, 0xff), n),
      },
    }),
  ];
}

/** The push listener against hostile peers (`npm run bench -- hostile_listeners`). */
export const hostileListener: HostileListener = {
  listen: (options) => {
    options.dlms.listen = true;
  },
  port: (options) => options.dlms.listen_port,
  patterns: [
    { name: 'run of 0x00', bytes: [0x00] },
    { name: 'runs of 7E A0', bytes: [0x7e, 0xa0] },
    { name: 'runs of DB 08', bytes: [0xdb, 0x08] },
  ],
};
