import { describe, expect, it } from 'vitest';
import { OptionsError, parseOptions, parseOptionsLenient, readEnvironment } from '../../../server/options/load.ts';
import { validDeviceItems } from '../../../server/options/deviceItems.ts';

describe('options', () => {
  it('fills every default from an empty object', () => {
    const o = parseOptions({});
    expect(o.mqtt).toMatchObject({
      base_topic: 'wattwire',
      bridge_topic: 'wattwire/bridge',
      discovery_prefix: 'homeassistant',
      queue_size: 10000,
    });
    expect(o.dlt645.listen_port).toBe(8899);
  });

  it('names the field of a wrong value', () => {
    expect(() => parseOptions({ mqtt: { port: 70000 } })).toThrow(OptionsError);
    expect(() => parseOptions({ mqtt: { port: 70000 } })).toThrow(/mqtt\.port/);
    expect(() => parseOptions({ log_level: 'loud' })).toThrow(/log_level/);
  });

  it('falls back to defaults for a broken section at start-up and says so', () => {
    const { options, errors } = parseOptionsLenient({ mqtt: { queue_size: -1 }, dlt645: { listen_port: 1234 } });
    expect(options.mqtt.queue_size).toBe(10000);
    expect(options.dlt645.listen_port).toBe(1234);
    expect(errors[0].where).toBe('mqtt');
    expect(errors[0].message).toMatch(/mqtt\.queue_size/);
  });

  it('skips an invalid device entry and keeps the valid ones', () => {
    const options = parseOptions({ dlt645_meters: [{ address: '000000000001' }, { address: '12' }] });
    const reported: string[] = [];
    const valid = validDeviceItems({ options, reportConfigError: (w, m) => reported.push(`${w}: ${m}`) }, 'dlt645_meters');
    expect(valid.map((v) => v.config.address)).toEqual(['000000000001']);
    expect(reported).toEqual([expect.stringMatching(/^dlt645_meters\[1\]: dlt645_meters\[1\]\.address: must be the 12-digit/)]);
  });

  it('reads paths and ports from the environment, /data under the Supervisor', () => {
    expect(readEnvironment({ SUPERVISOR_TOKEN: 't' }).dataDir).toBe('/data');
    expect(readEnvironment({ WATTWIRE_HTTP_PORT: '9000' }).httpPort).toBe(9000);
    expect(() => readEnvironment({ WATTWIRE_MQTT_PORT: 'abc' })).toThrow(/WATTWIRE_MQTT_PORT/);
  });
});
