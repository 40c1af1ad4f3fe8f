/** The SunSpec definition as the wizard and the options see it. */
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { sunspecDefinition } from '../../../server/drivers/sunspec/definition.ts';
import { sunspecDevice } from '../../../server/drivers/sunspec/options.ts';

describe('SunSpec definition', () => {
  it('shows the wizard the address, port, unit id and name, and offers the Kostal preset', () => {
    const schema = z.toJSONSchema(sunspecDevice, { io: 'input', unrepresentable: 'any' }) as {
      properties: Record<string, { title?: string }>;
    };
    const shown = Object.entries(schema.properties).filter(([, p]) => p.title !== undefined);
    expect(shown.map(([k]) => k).sort()).toEqual(['host', 'name', 'port', 'unit_id']);
    expect(schema.properties.host?.title).toBe('Inverter address');
    const [kostal] = sunspecDefinition.onboarding.presets;
    expect(kostal).toEqual({ label: 'Kostal PLENTICORE / PIKO IQ', config: { port: 1502, unit_id: 71 } });
    expect(sunspecDevice.parse({ host: '192.168.1.90', ...kostal.config })).toMatchObject({ port: 1502, unit_id: 71 });
    expect(sunspecDefinition.onboarding.discovery).toEqual(['host']);
  });

  it('names two devices behind one address by their unit ids, and polls each at its own interval', () => {
    const inverter = sunspecDevice.parse({ host: '192.168.1.90', port: 1502, unit_id: 71 });
    const meter = sunspecDevice.parse({ host: '192.168.1.90', port: 1502, unit_id: 72, poll_interval: 30 });
    expect(sunspecDefinition.listedKey(inverter)).not.toBe(sunspecDefinition.listedKey(meter));
    expect(sunspecDefinition.pollIntervals([inverter, meter])).toEqual([10, 30]);
  });
});
