/** The Supervisor option checker the add-on tests rely on behaves like the Supervisor. */
import { describe, expect, it } from 'vitest';
import { checkOptions, parseType } from './supervisorOptions.ts';

describe('parseType', () => {
  it('reads the type grammar', () => {
    expect(parseType('int(1,3600)?')).toEqual({ kind: 'int', optional: true, min: 1, max: 3600 });
    expect(parseType('float(0,1)')).toEqual({ kind: 'float', optional: false, min: 0, max: 1 });
    expect(parseType('password?')).toEqual({ kind: 'password', optional: true, min: undefined, max: undefined });
    expect(parseType('match(^[0-9]{12}$)')).toEqual({ kind: 'match', optional: false, pattern: '^[0-9]{12}$' });
    expect(parseType('list(even|none|odd)?')).toEqual({ kind: 'list', optional: true, values: ['even', 'none', 'odd'] });
    expect(parseType('device(subsystem=tty)')).toEqual({ kind: 'device', optional: false });
  });

  it('refuses what the Supervisor does not know', () => {
    for (const typ of ['string', 'integer', 'list()', 'bool??', 'enum(a|b)']) expect(parseType(typ), typ).toBeUndefined();
  });
});

describe('checkOptions', () => {
  const schema = {
    level: 'list(debug|info)',
    retries: 'int(0,5)',
    ratio: 'float(0,1)',
    on: 'bool',
    port: 'port?',
    name: 'str?',
    id: 'match(^[a-z]+$)?',
    broker: { host: 'str?', topic: 'str' },
    meters: [{ address: 'match([0-9]{3})', baud: 'list(2400|9600)?' }],
  };
  const valid = { level: 'info', retries: 1, ratio: 0.5, on: true, broker: { topic: 't' }, meters: [] };

  it('writes coerced values, as /data/options.json gets them', () => {
    const result = checkOptions(schema, {
      ...valid,
      retries: '3',
      ratio: '0.25',
      on: 'yes',
      port: '1883',
      meters: [{ address: '123', baud: 9600 }],
    });
    expect(result).toEqual({
      ok: true,
      value: { ...valid, retries: 3, ratio: 0.25, on: true, port: 1883, meters: [{ address: '123', baud: '9600' }] },
    });
  });

  it('drops unknown keys instead of refusing them', () => {
    expect(checkOptions(schema, { ...valid, colour: 'red', broker: { topic: 't', extra: 1 } })).toEqual({ ok: true, value: valid });
  });

  it.each([
    ['level', 'trace'],
    ['retries', 6],
    ['retries', 'many'],
    ['ratio', 1.5],
    ['on', 'maybe'],
    ['port', 0],
    ['port', 70000],
    ['name', 5],
    ['id', 'ABC'],
    ['broker', 'host'],
    ['meters', { address: '123' }],
    ['name', null],
  ])('refuses %s = %j', (key, value) => {
    const result = checkOptions(schema, { ...valid, [key]: value });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain(`'${key}'`);
  });

  it('refuses a missing required option, in dicts and list items too, but not a missing optional one', () => {
    const { level: _level, ...noLevel } = valid;
    expect(checkOptions(schema, noLevel)).toEqual({ ok: false, error: "Missing option 'level' in root" });
    expect(checkOptions(schema, { ...valid, broker: {} })).toEqual({ ok: false, error: "Missing option 'topic' in broker" });
    expect(checkOptions(schema, { ...valid, meters: [{ baud: '2400' }] })).toEqual({
      ok: false,
      error: "Missing option 'address' in meters",
    });
    const { meters: _meters, ...noMeters } = valid;
    expect(checkOptions(schema, noMeters)).toEqual({ ok: false, error: "Missing option 'meters' in root" });
  });

  it('matches match() from the start only, like re.match', () => {
    expect(checkOptions(schema, { ...valid, meters: [{ address: '123abc' }] }).ok).toBe(true);
    expect(checkOptions(schema, { ...valid, meters: [{ address: 'abc123' }] }).ok).toBe(false);
  });
});
