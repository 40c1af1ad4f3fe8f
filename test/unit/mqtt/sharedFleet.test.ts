import { describe, expect, it } from 'vitest';
import { brokerNodes, chooseBroker } from '../../../server/mqtt/brokerSource.ts';
import { parseOtherStatus, SharedFleet } from '../../../server/mqtt/sharedFleet.ts';
import { createLogger } from '../../../server/core/logger.ts';
import { mqttOptions } from '../../../server/options/schema.ts';

const status = (bridge: string, online: boolean) =>
  Buffer.from(JSON.stringify({ meterId: 'm', online, state: online ? 'online' : 'offline', bridge }));

describe('parseOtherStatus', () => {
  it('reads bridge and online, and nothing from what is not a status', () => {
    expect(parseOtherStatus(status('wattwire/bridge-a', true))).toEqual({ bridge: 'wattwire/bridge-a', online: true });
    for (const bad of ['', 'not json', '[]', 'null', '{"online":true}', '{"bridge":7,"online":true}', '{"bridge":"x","online":"yes"}']) {
      expect(parseOtherStatus(Buffer.from(bad))).toBeUndefined();
    }
    // A payload far larger than any status is not parsed at all.
    expect(parseOtherStatus(Buffer.from(JSON.stringify({ bridge: 'x', online: true, pad: 'y'.repeat(10_000) })))).toBeUndefined();
    // Nor one nested deeper than a status ever is.
    const nested = `{"bridge":"x","online":true,"pad":${'['.repeat(100)}${']'.repeat(100)}}`;
    expect(parseOtherStatus(Buffer.from(nested))).toBeUndefined();
  });
});

describe('SharedFleet', () => {
  it('takes a device once, gives it up to another online holder, and reasserts when called offline by another', () => {
    let now = 1000;
    const fleet = new SharedFleet('wattwire/bridge-a', () => now);
    expect(fleet.take('m')).toBe(true);
    expect(fleet.take('m')).toBe(false);
    expect(fleet.heldSince('m')).toBe(1000);
    // Its own status coming back changes nothing.
    expect(fleet.onOtherStatus('m', status('wattwire/bridge-a', false), false)).toBe('ignore');
    // Both online: the other's connection is the stale one or will be; nothing yet.
    expect(fleet.onOtherStatus('m', status('wattwire/bridge-b', true), true)).toBe('ignore');
    expect(fleet.onOtherStatus('m', status('wattwire/bridge-b', false), true)).toBe('reassert');
    expect(fleet.onOtherStatus('m', status('wattwire/bridge-b', true), false)).toBe('release');
    expect(fleet.holds('m')).toBe(false);
    expect(fleet.onOtherStatus('m', status('wattwire/bridge-b', true), false)).toBe('ignore');
    // A device unknown here is none of this instance's business.
    expect(fleet.onOtherStatus('x', status('wattwire/bridge-b', false), undefined)).toBe('ignore');
    now = 5000;
    expect(fleet.take('m')).toBe(true);
    expect(fleet.heldSince('m')).toBe(5000);
    expect(fleet.counters).toEqual({ taken: 2, released: 1, reasserted: 1 });
  });
});

describe('mqtt.servers', () => {
  it('becomes the broker target with every node, the first as its URL', async () => {
    const opts = mqttOptions.parse({ servers: ['10.0.0.1:1883', 'nats-2.lan:1884'], host: 'ignored' });
    expect(brokerNodes(opts.servers)).toEqual([
      { host: '10.0.0.1', port: 1883 },
      { host: 'nats-2.lan', port: 1884 },
    ]);
    const target = await chooseBroker(opts, undefined, createLogger('silent'));
    expect(target).toMatchObject({ source: 'options', url: 'mqtt://10.0.0.1:1883', servers: brokerNodes(opts.servers) });
  });

  it('refuses an entry that is not host:port, naming it', () => {
    expect(() => mqttOptions.parse({ servers: ['10.0.0.1'] })).toThrow(/host:port/);
    expect(() => mqttOptions.parse({ servers: ['10.0.0.1:70000'] })).toThrow(/1 to 65535/);
  });
});
