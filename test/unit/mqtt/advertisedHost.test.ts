import type os from 'node:os';
import { describe, expect, it } from 'vitest';
import { advertisedHost } from '../../../server/mqtt/advertisedHost.ts';

const nic = (address: string, internal: boolean, family: 'IPv4' | 'IPv6' = 'IPv4') =>
  ({ address, internal, family, netmask: '', mac: '', cidr: null }) as os.NetworkInterfaceInfo;

describe('advertised broker host', () => {
  it('is the bind address when one is given, else the first LAN IPv4 address (no container bridge), else loopback', () => {
    expect(advertisedHost('127.0.0.1', { eth0: [nic('192.168.1.20', false)] })).toBe('127.0.0.1');
    expect(
      advertisedHost('0.0.0.0', { lo: [nic('127.0.0.1', true)], eth0: [nic('fe80::1', false, 'IPv6'), nic('192.168.1.20', false)] }),
    ).toBe('192.168.1.20');
    expect(
      advertisedHost('0.0.0.0', {
        docker0: [nic('172.17.0.1', false)],
        hassio: [nic('172.30.32.1', false)],
        wlan0: [nic('10.0.0.7', false)],
      }),
    ).toBe('10.0.0.7');
    expect(advertisedHost('0.0.0.0', { lo: [nic('127.0.0.1', true)] })).toBe('127.0.0.1');
  });
});
