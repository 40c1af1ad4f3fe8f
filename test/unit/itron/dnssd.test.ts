import { describe, expect, it } from 'vitest';
import { isMeter, smartEnergyServer } from '../../../server/protocols/ieee2030_5/dnssd.ts';
import { sfdiFromLfdi } from '../../../server/protocols/ieee2030_5/identity.ts';

const LFDI = 'FA1571F88C93983E7C89DA3A5455DE788D16BE63';

describe('DNS-SD records of 2030.5 servers (§2)', () => {
  it('prefers the https TXT port, then the SRV port, then 8081', () => {
    const base = { name: 'meter', addresses: ['fe80::1', '192.168.1.7'] };
    expect(smartEnergyServer({ ...base, port: 80, txt: { txtvers: '1', https: '8443' } })).toMatchObject({
      host: '192.168.1.7',
      port: 8443,
    });
    expect(smartEnergyServer({ ...base, port: 80, txt: { https: true } })?.port).toBe(443);
    expect(smartEnergyServer({ ...base, port: 8081, txt: {} })?.port).toBe(8081);
    expect(smartEnergyServer({ ...base, txt: {} })?.port).toBe(8081);
    expect(smartEnergyServer({ ...base, port: 8081, txt: { txtvers: '2' } })).toBeNull();
    expect(smartEnergyServer({ name: 'x' })).toBeNull();
  });

  it('recognises a meter by the LFDI in its TXT record, instance name or edev-SFDI subtype', () => {
    const byTxt = smartEnergyServer({ name: 'meter', host: 'a.local', port: 8081, txt: { LFDI: LFDI.toLowerCase() } })!;
    const byName = smartEnergyServer({ name: `Itron ${LFDI}`, host: 'a.local', port: 8081 })!;
    const bySub = smartEnergyServer({
      name: 'meter',
      host: 'a.local',
      port: 8081,
      subtypes: ['upt', `edev-${sfdiFromLfdi(LFDI).padStart(12, '0')}`],
    })!;
    for (const s of [byTxt, byName, bySub]) {
      expect(isMeter(s, LFDI)).toBe(true);
      expect(isMeter(s, '0'.repeat(40))).toBe(false);
    }
    expect(byName.lfdi).toBe(LFDI);
    expect(isMeter(smartEnergyServer({ name: 'anonymous', host: 'a.local' })!, LFDI)).toBe(false);
  });
});
