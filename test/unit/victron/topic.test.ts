import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  filterMatches,
  isValidFilter,
  keepaliveTopic,
  parseNotification,
  requestTopic,
  servicePath,
  splitFilterList,
} from '../../../server/protocols/victron/topic.ts';

const level = fc.stringMatching(/^[A-Za-z0-9_]{1,8}$/);

describe('Venus topic grammar', () => {
  it('parses value and special notification topics, with and without a prefix', () => {
    expect(parseNotification('N/e0ff50a097c0/pvinverter/20/Ac/Power')).toEqual({
      kind: 'value',
      portalId: 'e0ff50a097c0',
      service: 'pvinverter',
      instance: '20',
      path: 'Ac/Power',
    });
    expect(parseNotification('victron/N/c0619ab12345/heartbeat', 'victron/')).toEqual({ kind: 'heartbeat', portalId: 'c0619ab12345' });
    expect(parseNotification('N/c0619ab12345/full_publish_completed')?.kind).toBe('full_publish_completed');
    expect(parseNotification('N/c0619ab12345/keepalive')?.kind).toBe('keepalive');
    expect(parseNotification('W/c0619ab12345/system/0/Serial')).toBeUndefined();
    expect(parseNotification('N/c0619ab12345/system/0')).toBeUndefined();
    expect(parseNotification('N/c0619ab12345/system//Serial')).toBeUndefined();
    expect(parseNotification('N/x/system/0/Serial', 'victron/')).toBeUndefined();
  });

  it('builds request topics and refuses wildcards in them', () => {
    expect(requestTopic('W', 'e0ff50a097c0', 'vebus/257/Hub4/L1/AcPowerSetpoint')).toBe('W/e0ff50a097c0/vebus/257/Hub4/L1/AcPowerSetpoint');
    expect(keepaliveTopic('e0ff50a097c0', 'venus-home/')).toBe('venus-home/R/e0ff50a097c0/keepalive');
    expect(() => requestTopic('R', 'e0ff50a097c0', 'vebus/+/Mode')).toThrow(/wildcards/);
  });

  it('round-trips a value topic through request topic and parse', () => {
    fc.assert(
      fc.property(
        level,
        level,
        fc.array(level, { minLength: 1, maxLength: 4 }),
        fc.constantFrom('', 'victron/', 'a/b/'),
        (service, instance, path, prefix) => {
          const topic = { service, instance, path: path.join('/') };
          const n = requestTopic('R', 'c0619ab12345', servicePath(topic), prefix).replace(`${prefix}R/`, `${prefix}N/`);
          const parsed = parseNotification(n, prefix);
          if (parsed?.kind !== 'value') return false;
          return parsed.service === service && parsed.instance === instance && parsed.path === topic.path;
        },
      ),
    );
  });

  it('never throws on arbitrary topics', () => {
    fc.assert(
      fc.property(fc.string(), fc.string({ maxLength: 4 }), (t, p) => {
        parseNotification(t, p);
      }),
    );
  });

  it('matches + and # like MQTT', () => {
    expect(filterMatches('vebus/#', 'vebus/276/Ac/Out/L1/P')).toBe(true);
    expect(filterMatches('solarcharger/+/Dc/0/Voltage', 'solarcharger/279/Dc/0/Voltage')).toBe(true);
    expect(filterMatches('solarcharger/+/Dc/0/Voltage', 'solarcharger/279/Dc/0/Current')).toBe(false);
    expect(filterMatches('battery/+/Soc', 'battery/512/Soc/Extra')).toBe(false);
    expect(filterMatches('system/0/Ac/Grid/L1/Power', 'system/0/Ac/Grid/L1/Power')).toBe(true);
    fc.assert(
      fc.property(
        fc.array(level, { minLength: 1, maxLength: 5 }),
        fc.array(fc.constantFrom('keep', '+', 'other'), { minLength: 1, maxLength: 5 }),
        (path, how) => {
          const filter = path.map((p, i) => (how[i] === '+' ? '+' : how[i] === 'other' ? `${p}x` : p)).join('/');
          const expected = path.every((_p, i) => how[i] !== 'other');
          return filterMatches(filter, path.join('/')) === expected;
        },
      ),
    );
  });

  it('validates extra path patterns', () => {
    expect(splitFilterList(' battery/+/System/MinCellVoltage, tank/+/# ,')).toEqual(['battery/+/System/MinCellVoltage', 'tank/+/#']);
    expect(isValidFilter('tank/+/#')).toBe(true);
    expect(isValidFilter('tank/#')).toBe(true);
    expect(isValidFilter('battery/+/Soc')).toBe(true);
    expect(isValidFilter('battery')).toBe(false);
    expect(isValidFilter('battery/#/Soc')).toBe(false);
    expect(isValidFilter('battery/5+/Soc')).toBe(false);
    expect(isValidFilter('battery//Soc')).toBe(false);
  });
});
