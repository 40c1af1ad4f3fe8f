import { describe, expect, it } from 'vitest';
import { ownDiscoveryId } from '../../../server/mqtt/retainedDiscoveryScan.ts';

const cfg = { base: 'wattwire', bridge: 'wattwire/bridge', discoveryPrefix: 'homeassistant', version: 'test' };
const topic = 'homeassistant/device/pv_a/config';
const config = (over: Record<string, unknown> = {}) =>
  Buffer.from(
    JSON.stringify({
      dev: { ids: ['wattwire_pv_a'] },
      o: { name: 'Wattwire' },
      avty: [{ t: 'wattwire/bridge/status' }, { t: 'wattwire/pv_a/status' }],
      ...over,
    }),
  );

describe('ownDiscoveryId', () => {
  it("names the device of this instance's own config", () => {
    expect(ownDiscoveryId(cfg, topic, config())).toBe('pv_a');
  });

  it("leaves another origin's, another instance's and another device's configs alone", () => {
    expect(ownDiscoveryId(cfg, topic, config({ o: { name: 'Zigbee2MQTT' } }))).toBeUndefined();
    expect(ownDiscoveryId(cfg, topic, config({ avty: [{ t: 'other/bridge/status' }] }))).toBeUndefined();
    expect(ownDiscoveryId(cfg, topic, config({ dev: { ids: ['wattwire_pv_b'] } }))).toBeUndefined();
    expect(ownDiscoveryId({ ...cfg, discoveryPrefix: 'ha' }, topic, config())).toBeUndefined();
  });

  it('ignores what is not a config: other topics, empty, malformed or odd-shaped payloads', () => {
    expect(ownDiscoveryId(cfg, 'homeassistant/device/a/b/config', config())).toBeUndefined();
    expect(ownDiscoveryId(cfg, 'homeassistant/sensor/pv_a/config', config())).toBeUndefined();
    for (const payload of [
      '',
      '{',
      'null',
      '[]',
      '"x"',
      '{"o":null,"dev":null,"avty":null}',
      '{"o":{"name":"Wattwire"},"dev":{"ids":"wattwire_pv_a"}}',
    ]) {
      expect(ownDiscoveryId(cfg, topic, Buffer.from(payload))).toBeUndefined();
    }
    // An own config with something nested deeper than any config Wattwire writes is not read.
    const deep = config()
      .toString()
      .replace(/\}$/, `,"x":${'['.repeat(100)}${']'.repeat(100)}}`);
    expect(ownDiscoveryId(cfg, topic, Buffer.from(deep))).toBeUndefined();
    expect(ownDiscoveryId(cfg, topic, config({ avty: [null, 3, { t: 'wattwire/bridge/status' }] }))).toBe('pv_a');
  });
});
