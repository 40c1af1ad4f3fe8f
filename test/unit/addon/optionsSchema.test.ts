/**
 * config.yaml's Supervisor schema and the zod schema (server/options/schema.ts) describe
 * the same options: same keys, compatible types, same defaults; what the Supervisor
 * refuses, zod refuses too, naming the field.
 */
import { describe, expect, it } from 'vitest';
import type * as z from 'zod';
import { deviceSchemas, optionsSchema, type DeviceListKey } from '../../../server/options/schema.ts';
import { parseOptions } from '../../../server/options/load.ts';
import { validDeviceItems } from '../../../server/options/deviceItems.ts';
import { addonConfig } from './addonFiles.ts';
import { sampleDevices } from './sampleDevices.ts';
import { agreementProblems } from './schemaAgreement.ts';
import { checkOptions, parseType, type SchemaElement, type SupervisorSchema } from './supervisorOptions.ts';
import { describeZod } from './zodFields.ts';

const config = addonConfig();
const zodItems = Object.fromEntries(Object.entries(deviceSchemas).map(([k, v]) => [k, describeZod(v)]));
const problemsWith = (schema: SupervisorSchema, defaults = config.options) =>
  agreementProblems(schema, defaults, describeZod(optionsSchema), zodItems);

describe('config.yaml schema and the zod schema', () => {
  it('agree on every key, type and default, list items included', () => {
    expect(problemsWith(config.schema)).toEqual([]);
  });

  it('the comparison finds each kind of disagreement', () => {
    const schema = structuredClone(config.schema);
    const dict = (key: string) => schema[key] as Record<string, SchemaElement>;
    const item = (key: string) => (schema[key] as Record<string, SchemaElement>[])[0];
    dict('mqtt').port = 'str?';
    dict('mqtt').queue_size = 'int(0,999)';
    delete dict('dlt645').heartbeat;
    dict('dlt645').colour = 'str?';
    schema.log_level = 'list(debug|info)';
    item('kostal')!.host = 'str?';
    item('kostal')!.night_power = 'list(zero|unavailable)';
    item('xtender')!.baud = 'list(38400|115200)?';
    const defaults = structuredClone(config.options);
    delete (defaults.mqtt as Record<string, unknown>).base_topic;
    const problems = problemsWith(schema, defaults);
    const at = (path: string) => problems.filter((p) => p.startsWith(`${path}:`));
    expect(at('mqtt.port')).toHaveLength(1);
    expect(at('mqtt.queue_size')[0]).toMatch(/bounds differ/);
    expect(at('mqtt.base_topic')[0]).toMatch(/zod has a default/);
    expect(at('dlt645.heartbeat')[0]).toMatch(/not in config\.yaml/);
    expect(at('dlt645.colour')[0]).toMatch(/not in the zod schema/);
    expect(at('log_level')[0]).toMatch(/different values/);
    expect(at('kostal[].host')[0]).toMatch(/optional in config\.yaml, required in zod/);
    expect(at('kostal[].night_power')[0]).toMatch(/required in config\.yaml, optional in zod/);
    expect(at('xtender[].baud')[0]).toMatch(/list\(\) delivers strings/);
  });

  it('every device list in the options has a per-item zod schema', () => {
    const shape = describeZod(optionsSchema).shape!;
    const lists = Object.keys(shape).filter((k) => shape[k]!.kind === 'array');
    expect(lists.sort()).toEqual(Object.keys(deviceSchemas).sort());
  });

  it("config.yaml's defaults are zod's defaults", () => {
    expect(optionsSchema.parse(config.options)).toEqual(optionsSchema.parse({}));
  });
});

/** Options as the Supervisor writes them to /data/options.json: checked and coerced. */
function asSupervisorWrites(options: Record<string, unknown>): Record<string, unknown> {
  const checked = checkOptions(config.schema, options);
  if (!checked.ok) throw new Error(`the Supervisor would refuse the sample: ${checked.error}`);
  return checked.value;
}

function itemErrors(options: unknown, key: DeviceListKey): { where: string; message: string }[] {
  const errors: { where: string; message: string }[] = [];
  validDeviceItems(optionsSchema.parse(options)[key], key, deviceSchemas[key]!, (where, message) => errors.push({ where, message }));
  return errors;
}

describe('sample devices', () => {
  it('cover every field of every device list', () => {
    for (const [key, schema] of Object.entries(deviceSchemas)) {
      const fields = new Set((sampleDevices[key] ?? []).flatMap((item) => Object.keys(item)));
      expect([...fields].sort(), key).toEqual(Object.keys((schema as z.ZodObject).shape).sort());
    }
  });

  it('pass the Supervisor, and zod as the Supervisor writes them', () => {
    const written = asSupervisorWrites({ ...config.options, ...sampleDevices });
    for (const key of Object.keys(deviceSchemas) as DeviceListKey[]) {
      expect(itemErrors(written, key), key).toEqual([]);
      expect(written[key]).toHaveLength(sampleDevices[key]!.length);
    }
  });
});

interface Leaf {
  /** e.g. `mqtt.port`, or `kostal` + `host` for a list item field. */
  path: string[];
  list?: DeviceListKey;
  /** A list of values inside a section (`mqtt.servers`): the value goes in as its only item. */
  item?: boolean;
  typ: string;
}

function leaves(schema: SupervisorSchema): Leaf[] {
  const out: Leaf[] = [];
  for (const [key, el] of Object.entries(schema)) {
    if (typeof el === 'string') out.push({ path: [key], typ: el });
    else if (Array.isArray(el)) {
      for (const [field, typ] of Object.entries(el[0] as Record<string, string>))
        out.push({ path: [field], list: key as DeviceListKey, typ });
    } else
      for (const [field, typ] of Object.entries(el as Record<string, string | string[]>)) {
        if (Array.isArray(typ)) out.push({ path: [key, field], item: true, typ: typ[0]! });
        else out.push({ path: [key, field], typ });
      }
  }
  return out;
}

/** Values the Supervisor refuses for a type (each is confirmed with the checker). */
function badValues(typ: string): unknown[] {
  const t = parseType(typ)!;
  switch (t.kind) {
    case 'bool':
      return ['maybe', 'ja'];
    case 'port':
      return [0, 65536, 'http'];
    case 'int':
      return [t.min === undefined ? undefined : t.min - 1, t.max === undefined ? undefined : t.max + 1, 'ten', '1.5'].filter(
        (v) => v !== undefined,
      );
    case 'float':
      return [t.min === undefined ? undefined : t.min - 0.5, t.max === undefined ? undefined : t.max + 0.5, 'warm'].filter(
        (v) => v !== undefined,
      );
    case 'str':
    case 'password':
      return [42, true, { nested: 'x' }];
    case 'match':
      // zod reads a blank optional field as "not set" (server/options/fields.ts).
      return [t.optional ? undefined : '', '#', '!!', 'zz', 'a+b', '12345', 7].filter((v) => v !== undefined);
    case 'list':
      return ['bogus', 3];
    default:
      throw new Error(`no bad values for ${typ}`);
  }
}

const baseOptions = (): Record<string, unknown> => structuredClone({ ...config.options, ...sampleDevices });

function withValue(leaf: Leaf, value: unknown): Record<string, unknown> {
  const options = baseOptions();
  if (leaf.list) (options[leaf.list] as Record<string, unknown>[])[0]![leaf.path[0]!] = value;
  else if (leaf.path.length === 1) options[leaf.path[0]!] = value;
  else (options[leaf.path[0]!] as Record<string, unknown>)[leaf.path[1]!] = leaf.item ? [value] : value;
  return options;
}

describe('what the Supervisor refuses', () => {
  const cases = leaves(config.schema).flatMap((leaf) => badValues(leaf.typ).map((value) => ({ leaf, value })));
  const refused = cases.filter(({ leaf, value }) => !checkOptions(config.schema, withValue(leaf, value)).ok);

  it('each option has values the Supervisor refuses', () => {
    const covered = new Set(refused.map(({ leaf }) => `${leaf.list ?? ''}/${leaf.path.join('.')}`));
    expect(covered.size).toBe(leaves(config.schema).length);
  });

  const where = (leaf: Leaf) => (leaf.list ? `${leaf.list}[0].${leaf.path[0]}` : `${leaf.path.join('.')}${leaf.item ? '[0]' : ''}`);
  it.each(refused.map(({ leaf, value }) => [where(leaf), value, leaf] as const))(
    'zod refuses %s = %j, naming the field',
    (where, value, leaf) => {
      const options = withValue(leaf, value);
      if (leaf.list) {
        const errors = itemErrors(options, leaf.list);
        expect(errors).toHaveLength(1);
        expect(errors[0]!.where).toMatch(new RegExp(`^(".*" \\()?${leaf.list}\\[0\\]\\)?$`));
        expect(errors[0]!.message).toMatch(new RegExp(`^${leaf.path[0]} `));
      } else {
        expect(() => parseOptions(options)).toThrow(new RegExp(`(^|; )${where.replace(/[.[\]]/g, '\\$&')} `));
      }
    },
  );

  it('zod refuses a list item that lacks a field the Supervisor requires', () => {
    const required = leaves(config.schema).filter((l) => l.list && !parseType(l.typ)!.optional);
    expect(required.length).toBeGreaterThan(0);
    for (const leaf of required) {
      const options = baseOptions();
      delete (options[leaf.list!] as Record<string, unknown>[])[0]![leaf.path[0]!];
      expect(checkOptions(config.schema, options).ok).toBe(false);
      const errors = itemErrors(options, leaf.list!);
      expect(errors.map((e) => e.message).join('; ')).toMatch(new RegExp(`(^|; )${leaf.path[0]} must`));
    }
  });
});
