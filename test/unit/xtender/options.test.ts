import { describe, expect, it } from 'vitest';
import { xtenderLink } from '../../../server/drivers/xtender/options.ts';
import { parseDeviceList } from '../../../server/sim/xtender/gateway.ts';

describe('xtender options', () => {
  it('defaults to 38400 baud, RAM-only writes off', () => {
    expect(xtenderLink.parse({ serial_port: '/dev/serial/by-id/usb-x' })).toMatchObject({
      baud: 38400,
      poll_interval: 10,
      fast_poll_interval: 2,
      timeout_ms: 2000,
      retries: 1,
      allow_writes: false,
      allow_flash_writes: false,
      flash_write_min_interval: 60,
    });
  });

  it('names a wrong baud rate and a missing port', () => {
    const bad = xtenderLink.safeParse({ serial_port: '', baud: 9600 });
    expect(bad.success).toBe(false);
    const messages = bad.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(messages).toEqual(
      expect.arrayContaining(['baud: must be 38400 or 115200', 'serial_port: is required (prefer a /dev/serial/by-id/ path)']),
    );
  });
});

describe('simulator device list', () => {
  it('gives consecutive addresses per family and rejects unknown kinds', () => {
    expect(parseDeviceList('xt:2,vt:1,bsp:1').map((d) => d.address)).toEqual([101, 102, 301, 601]);
    expect(() => parseDeviceList('xt:10')).toThrow(/0\.\.9/);
    expect(() => parseDeviceList('foo:1')).toThrow(/unknown device kind "foo"/);
  });
});
