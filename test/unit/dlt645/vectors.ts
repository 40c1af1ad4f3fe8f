/** The §8 worked frames of protocols/dlt645.md, from test/fixtures/dlt645/worked-frames.json. */
import { readFileSync } from 'node:fs';

export interface WorkedFrame {
  ref: string;
  hex: string;
  address: string;
  control: number;
  data: string;
  di?: string;
  value?: number;
}

export const WORKED_FRAMES: WorkedFrame[] = JSON.parse(
  readFileSync(new URL('../../fixtures/dlt645/worked-frames.json', import.meta.url), 'utf8'),
);

export function bytes(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex.replace(/\s+/g, ''), 'hex'));
}

export function frameByRef(ref: string): Uint8Array {
  const f = WORKED_FRAMES.find((w) => w.ref === ref);
  if (!f) throw new Error(`no worked frame ${ref}`);
  return bytes(f.hex);
}
