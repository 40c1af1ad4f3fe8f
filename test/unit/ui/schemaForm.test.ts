/** The wizard's form, read from the JSON Schema the server derives from each driver definition. */
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import type { DriverDefinition } from '../../../server/drivers/definition.ts';
import { DEFINITIONS, definitionOf } from '../../../server/drivers/registry.ts';
import { kindOf } from '../../../server/web/routes/onboarding.ts';
import { formFields, initialValues, missingFields, toConfig, valuesOf } from '../../../ui/src/schemaForm.ts';

const ALL: readonly DriverDefinition[] = DEFINITIONS;
const fieldsOf = (kind: string) => formFields(kindOf(definitionOf(kind)!).schema);

/** The fields of an options entry that carry a title, read from the zod schema itself. */
function titledFields(definition: DriverDefinition): string[] {
  return Object.entries(definition.devices.item.shape)
    .filter(([, field]) => z.globalRegistry.get(field as z.ZodType)?.title)
    .map(([key]) => key);
}

describe('onboarding form from a JSON Schema', () => {
  it.each(ALL.map((d) => [d.kind, d] as const))('shows exactly the titled fields of %s, in order', (_kind, definition) => {
    const fields = formFields(kindOf(definition).schema);
    expect(fields.map((f) => f.key)).toEqual(titledFields(definition));
    expect(fields.length).toBeGreaterThan(0);
    for (const f of fields) expect(f.label).toBe(z.globalRegistry.get(definition.devices.item.shape[f.key] as z.ZodType)?.title);
  });

  it('posts numbers as numbers, leaves blanks out and gives an entry the options accept', () => {
    const fields = fieldsOf('kostal');
    expect(fields.map((f) => f.key)).not.toContain('timeout');
    const values = { ...initialValues(fields), host: ' 10.0.0.5 ', password: 'pw', poll_interval: '5' };
    const config = toConfig(fields, values);
    expect(config).toEqual({
      host: '10.0.0.5',
      username: 'pvserver',
      password: 'pw',
      generation: 'auto',
      poll_interval: 5,
      night_power: 'zero',
    });
    expect(definitionOf('kostal')!.devices.item.safeParse(config).success).toBe(true);
  });

  it('sends JSON Schemas a standard validator reads, and that accept what the form sends', () => {
    const ajv = new Ajv2020({ strict: false });
    for (const definition of ALL) expect(() => ajv.compile(kindOf(definition).schema), definition.kind).not.toThrow();
    const validate = ajv.compile(kindOf(definitionOf('kostal')!).schema);
    const fields = fieldsOf('kostal');
    expect(validate(toConfig(fields, { ...initialValues(fields), host: '10.0.0.5', poll_interval: '60' }))).toBe(true);
    expect(validate({ host: '10.0.0.5', poll_interval: '60' })).toBe(false);
  });

  it('maps each kind of field to its input', () => {
    const kostal = Object.fromEntries(fieldsOf('kostal').map((f) => [f.key, f]));
    expect(kostal.host).toMatchObject({ input: 'text', required: true, placeholder: '192.168.1.50 or host:port' });
    expect(kostal.password).toMatchObject({ input: 'password', help: 'the factory password is pvwr', required: false });
    expect(kostal.generation).toMatchObject({ input: 'select', options: ['auto', 'classic', 'dxs'], initial: 'auto' });
    expect(kostal.poll_interval).toMatchObject({ input: 'number', numeric: true, initial: '30' });

    const xtender = Object.fromEntries(fieldsOf('xtender').map((f) => [f.key, f]));
    expect(xtender.serial_port).toMatchObject({ input: 'serial', required: true });
    expect(xtender.baud).toMatchObject({ input: 'select', options: ['38400', '115200'], numeric: true, initial: '38400' });
    expect(xtender.allow_writes).toMatchObject({ input: 'checkbox', initial: false });

    // An optional choice without a default may stay unset.
    const dlt645 = Object.fromEntries(fieldsOf('dlt645').map((f) => [f.key, f]));
    expect(dlt645.baud).toMatchObject({ input: 'select', options: ['', '1200', '2400', '4800', '9600'], initial: '' });
    expect(dlt645.parity).toMatchObject({ options: ['', 'even', 'none', 'odd'], numeric: false });
  });

  it('sends a select of numbers as a number and a changed checkbox as a boolean', () => {
    const fields = fieldsOf('xtender');
    const config = toConfig(fields, { ...initialValues(fields), serial_port: '/dev/ttyUSB0', baud: '115200', allow_writes: true });
    expect(config).toEqual({ serial_port: '/dev/ttyUSB0', baud: 115200, poll_interval: 10, allow_writes: true });
    expect(definitionOf('xtender')!.devices.item.safeParse(config).success).toBe(true);
  });

  it('sends text that is no number as typed, so the server names the field', () => {
    const fields = fieldsOf('itron');
    expect(toConfig(fields, { ...initialValues(fields), port: 'eighty' }).port).toBe('eighty');
  });

  it('prefills the form from a found device or a preset, and says which required fields are blank', () => {
    const fields = fieldsOf('itron');
    const values = { ...initialValues(fields), ...valuesOf(fields, { host: '10.0.0.7', port: 8081, lfdi: 'AB'.repeat(20), extra: 1 }) };
    expect(values).toMatchObject({ host: '10.0.0.7', port: '8081', lfdi: 'AB'.repeat(20) });
    expect(toConfig(fields, values)).toMatchObject({ host: '10.0.0.7', port: 8081 });
    expect(missingFields(fieldsOf('dlt645'), {})).toEqual(['Meter address']);
  });

  it('offers a definition’s presets, which fill the form when picked', () => {
    const kostal = definitionOf('kostal')!;
    const withPreset: DriverDefinition = {
      ...kostal,
      onboarding: { ...kostal.onboarding, presets: [{ label: 'Test preset', config: { username: 'installer', poll_interval: 60 } }] },
    };
    const kind = kindOf(withPreset);
    expect(kind.presets).toEqual([{ label: 'Test preset', config: { username: 'installer', poll_interval: 60 } }]);
    const fields = formFields(kind.schema);
    const values = { ...initialValues(fields), ...valuesOf(fields, kind.presets[0]!.config), host: '10.0.0.8' };
    expect(toConfig(fields, values)).toMatchObject({ host: '10.0.0.8', username: 'installer', poll_interval: 60 });
  });
});
