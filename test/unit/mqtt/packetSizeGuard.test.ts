import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import type { FrameRefusal } from '../../../server/mqtt/mqttFrameSizes.ts';
import { PacketSizeGuard } from '../../../server/mqtt/packetSizeGuard.ts';
import { waitFor } from '../../support/ports.ts';

describe('packet size guard', () => {
  it('passes packets within the limit through and cuts the connection at the header of a larger one', async () => {
    const inner = new PassThrough();
    const refusals: FrameRefusal[] = [];
    const guard = new PacketSizeGuard(inner, 10, (r) => refusals.push(r));
    const read: Buffer[] = [];
    guard.on('data', (c: Buffer) => read.push(c));
    guard.on('error', () => undefined);
    inner.write(Buffer.from([0xc0, 0x00, 0x30, 0x03, 1, 2, 3]));
    await waitFor(() => read.length > 0, { what: 'bytes through the guard' });
    expect(Buffer.concat(read)).toEqual(Buffer.from([0xc0, 0x00, 0x30, 0x03, 1, 2, 3]));
    inner.write(Buffer.from([0x30, 0x80, 0x01]));
    await waitFor(() => inner.destroyed && guard.destroyed, { what: 'both ends destroyed' });
    expect(refusals).toEqual([{ reason: 'too large', size: 131 }]);
    expect(Buffer.concat(read).length).toBe(7);
  });

  it('survives more than one error from the connection it wraps', () => {
    const inner = new PassThrough();
    const guard = new PacketSizeGuard(inner, 10, () => undefined);
    guard.on('error', () => undefined);
    inner.emit('error', new Error('reset'));
    expect(() => inner.emit('error', new Error('reset again'))).not.toThrow();
  });
});
