import { describe, expect, it } from 'vitest';
import { OptionsError, parseOptions, parseOptionsLenient, readEnvironment } from '../../../server/options/load.ts';
import { devicesOf } from '../../../server/drivers/definition.ts';
import { dlt645Definition } from '../../../server/drivers/dlt645/definition.ts';
import { kostalDefinition } from '../../../server/drivers/kostal/definition.ts';

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
    expect(() => parseOptions({ mqtt: { port: 70000 } })).toThrow('mqtt.port must be a port number');
    expect(() => parseOptions({ log_level: 'loud' })).toThrow(/log_level/);
  });

  it('defaults only the wrong field at start-up, keeping the rest of its section, and says which default', () => {
    const { options, errors } = parseOptionsLenient({
      mqtt: { host: 'broker.lan', username: 'ha', password: 'secret', queue_size: 'big' },
      dlt645: { listen_port: 1234, retries: 2.5 },
      log_level: 'loud',
    });
    expect(options.mqtt).toMatchObject({ host: 'broker.lan', username: 'ha', password: 'secret', queue_size: 10000 });
    expect(options.dlt645).toMatchObject({ listen_port: 1234, retries: 1 });
    expect(options.log_level).toBe('info');
    expect(errors).toEqual([
      { where: '(options)', message: 'log_level must be one of: "trace", "debug", "info", "warning", "error"; using the default "info"' },
      { where: 'mqtt', message: 'queue_size must be a number (it is text); using the default 10000' },
      { where: 'dlt645', message: 'retries must be a whole number (it is a fraction); using the default 1' },
    ]);
  });

  it('replaces a device list that is not a list, and leaves the others', () => {
    const { options, errors } = parseOptionsLenient({ kostal: 'garage', victron: [{ host: 'gx.lan' }] });
    expect(options.kostal).toEqual([]);
    expect(options.victron).toEqual([{ host: 'gx.lan' }]);
    expect(errors).toEqual([{ where: '(options)', message: 'kostal must be a list (it is text); using the default []' }]);
  });

  it('names each unknown key once with the closest known key of its object, devices by their name', () => {
    const { options, errors } = parseOptionsLenient({
      kostall: [],
      mqtt: { hostname: 'broker.lan', port: 1884 },
      kostal: [
        { name: 'Garage PIKO', host: 'piko.lan', pasword: 'pw' },
        { host: 'other.lan', Poll_Intervall: 10 },
      ],
    });
    expect(options.mqtt.port).toBe(1884);
    expect(errors).toEqual([
      { where: '(options)', message: 'unknown option "kostall" is ignored; did you mean "kostal"?' },
      { where: 'mqtt', message: 'unknown option "hostname" is ignored; did you mean "host"?' },
      { where: '"Garage PIKO" (kostal[0])', message: 'unknown option "pasword" is ignored; did you mean "password"?' },
      { where: 'kostal[1]', message: 'unknown option "Poll_Intervall" is ignored; did you mean "poll_interval"?' },
    ]);
  });

  it('reports a flood of unknown keys with a bounded number of lines', () => {
    const mqtt = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`x${i}${'y'.repeat(200)}`, i]));
    const { errors } = parseOptionsLenient({ mqtt });
    expect(errors).toHaveLength(11);
    expect(errors.at(-1)).toEqual({ where: 'mqtt', message: '4990 more unknown options are ignored' });
    expect(errors[0]!.message.length).toBeLessThan(200);
  });

  it('skips an invalid device entry, naming it by its name, and keeps the valid ones', () => {
    const options = parseOptions({
      dlt645_meters: [{ address: '000000000001' }, { address: '12' }],
      kostal: [{ host: 'a.lan' }, { name: 'Garage PIKO', host: 'b.lan', poll_interval: 1 }],
    });
    const reported: string[] = [];
    const ctx = { options, reportConfigError: (w: string, m: string) => reported.push(`${w}: ${m}`) };
    expect(devicesOf(ctx, dlt645Definition).map((v) => v.config.address)).toEqual(['000000000001']);
    expect(devicesOf(ctx, kostalDefinition).map((v) => v.config.host)).toEqual(['a.lan']);
    expect(reported).toEqual([
      'dlt645_meters[1]: address must be the 12-digit meter address',
      '"Garage PIKO" (kostal[1]): poll_interval must be at least 5',
    ]);
  });

  it('reads paths and ports from the environment, /data under the Supervisor', () => {
    expect(readEnvironment({ SUPERVISOR_TOKEN: 't' }).dataDir).toBe('/data');
    expect(readEnvironment({ WATTWIRE_HTTP_PORT: '9000' }).httpPort).toBe(9000);
    expect(() => readEnvironment({ WATTWIRE_MQTT_PORT: 'abc' })).toThrow(/WATTWIRE_MQTT_PORT/);
  });
});
