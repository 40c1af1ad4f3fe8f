/** DL/T 645 codec throughput: frames found and decoded in a TCP-like stream, requests built. */
import { Dlt645FrameExtractor } from '../server/protocols/dlt645/extractor.ts';
import { encodeFrame } from '../server/protocols/dlt645/frame.ts';
import { parseReply, readDataReply, readDataRequest } from '../server/protocols/dlt645/messages.ts';
import { decodeBcdValue, encodeBcdValue } from '../server/protocols/dlt645/values.ts';
import { DLT645_REGISTERS } from '../server/drivers/dlt645/registers.ts';

const RUN_MS = 1500;

/** Replies for every register, with wake-up bytes, cut into 64-byte chunks as TCP might. */
function replyStream(): { chunks: Uint8Array[]; frames: number } {
  const parts: number[] = [];
  let frames = 0;
  for (let m = 0; m < 20; m++) {
    const address = String(100000 + m).padStart(12, '0');
    for (const reg of DLT645_REGISTERS) {
      const value = reg.format.signed ? -1.5 : 12.5;
      parts.push(...encodeFrame(readDataReply(address, reg.id, encodeBcdValue(value, reg.format)), m % 2 === 0 ? 4 : 0));
      frames++;
    }
  }
  const all = Uint8Array.from(parts);
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < all.length; i += 64) chunks.push(all.subarray(i, i + 64));
  return { chunks, frames };
}

function measure(fn: () => number): number {
  const start = performance.now();
  let count = 0;
  while (performance.now() - start < RUN_MS) count += fn();
  return Math.round(count / ((performance.now() - start) / 1000));
}

export async function bench(): Promise<Record<string, unknown>[]> {
  const { chunks, frames } = replyStream();
  const formats = new Map(DLT645_REGISTERS.map((r) => [r.id, r.format]));
  const decoded = measure(() => {
    const ex = new Dlt645FrameExtractor();
    let n = 0;
    for (const chunk of chunks) {
      for (const frame of ex.push(chunk)) {
        const reply = parseReply(frame);
        if (reply.kind === 'data' && decodeBcdValue(reply.value, formats.get(reply.di)!) !== null) n++;
      }
    }
    if (n !== frames) throw new Error(`decoded ${n} of ${frames} frames`);
    return n;
  });
  const built = measure(() => {
    for (const reg of DLT645_REGISTERS) encodeFrame(readDataRequest('000000000161', reg.id), 4);
    return DLT645_REGISTERS.length;
  });
  return [
    {
      figure: 'dlt645_frames_decoded_per_s',
      value: decoded,
      unit: 'per_s',
      note: 'stream split in 64-byte chunks; extract + parse reply + BCD value',
    },
    { figure: 'dlt645_requests_encoded_per_s', value: built, unit: 'per_s' },
  ];
}
