import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gxEndpoint, loadVenusCa } from '../../../server/drivers/victron/connection.ts';
import { victronSystem } from '../../../server/drivers/victron/options.ts';
import { vrmBrokerHost, vrmBrokerIndex } from '../../../server/protocols/victron/vrm.ts';

describe('VRM broker host rule', () => {
  it('gives the reference examples', () => {
    expect(vrmBrokerHost('e0ff50a097c0')).toBe('mqtt90.victronenergy.com');
    expect(vrmBrokerHost('c0619ab12345')).toBe('mqtt117.victronenergy.com');
    expect(vrmBrokerHost(' E0FF50A097C0 ')).toBe('mqtt90.victronenergy.com');
  });

  it('always picks one of the 128 brokers', () => {
    fc.assert(
      fc.property(fc.string(), (id) => {
        const i = vrmBrokerIndex(id);
        return Number.isInteger(i) && i >= 0 && i < 128;
      }),
    );
  });

  it('connects to VRM over TLS 8883 with the Victron CA and a token', () => {
    const ep = gxEndpoint(victronSystem.parse({ vrm: true, portal_id: 'c0619ab12345', username: 'me@example.com', token: 'abc' }), 1000);
    expect(ep.url).toBe('mqtts://mqtt117.victronenergy.com:8883');
    expect(ep.options.rejectUnauthorized).toBe(true);
    expect(ep.options.ca).toEqual(loadVenusCa());
    expect(ep.options.password).toBe('Token abc');
    expect(ep.options.clientId).not.toMatch(/[+#/]/);
    expect(ep.describe).not.toContain('abc');
  });

  it('connects on the LAN on 1883, or 8883 with TLS', () => {
    expect(gxEndpoint(victronSystem.parse({ host: 'venus.local' }), 1000).url).toBe('mqtt://venus.local:1883');
    const tls = gxEndpoint(victronSystem.parse({ host: 'venus.local', tls: true, username: 'remoteconsole', password: 'pw' }), 1000);
    expect(tls.url).toBe('mqtts://venus.local:8883');
    expect(tls.options.rejectUnauthorized).toBe(false);
    expect(tls.options.password).toBe('pw');
  });

  it('ships the Victron CA certificate the reference names', () => {
    const cert = new X509Certificate(readFileSync(new URL('../../../server/drivers/victron/venus-ca.crt', import.meta.url)));
    expect(cert.fingerprint256).toBe('94:8B:99:B3:DC:BF:93:4D:40:B1:1F:B2:CA:39:55:F2:92:E1:62:C8:08:C1:9C:7C:C4:35:E4:C9:11:DF:50:B0');
    expect(cert.subject).toContain('CCGX Certificate Authority');
  });
});
