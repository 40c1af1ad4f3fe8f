import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listSerialPorts } from '../../../server/drivers/xtender/serialPorts.ts';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('listSerialPorts', () => {
  it('lists by-id links first, resolved to their devices', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'byid-'));
    const byId = path.join(dir, 'by-id');
    mkdirSync(byId);
    writeFileSync(path.join(dir, 'ttyUSB7'), '');
    symlinkSync(path.join(dir, 'ttyUSB7'), path.join(byId, 'usb-FTDI_FT232R_A1B2C3-if00-port0'));
    symlinkSync(path.join(dir, 'gone'), path.join(byId, 'usb-dangling'));
    const ports = await listSerialPorts(byId);
    expect(ports[0]).toMatchObject({
      path: path.join(byId, 'usb-FTDI_FT232R_A1B2C3-if00-port0'),
      device: path.join(dir, 'ttyUSB7'),
      byId: true,
    });
    expect(ports.filter((p) => p.byId)).toHaveLength(1);
    expect(ports.slice(1).every((p) => !p.byId)).toBe(true);
  });

  it('returns only kernel ports when there is no by-id directory', async () => {
    const ports = await listSerialPorts('/nonexistent/by-id');
    expect(ports.every((p) => !p.byId)).toBe(true);
  });
});
