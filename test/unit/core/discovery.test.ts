import { describe, expect, it } from 'vitest';
import { Hub } from '../../../server/core/hub.ts';
import { discoveryPayload } from '../../../server/mqtt/discovery.ts';
import type { RegisterDescriptor } from '../../../server/core/registers.ts';
import { DEVICE_CLASS_RULES, haRuleViolations } from '../../../server/core/haRules.ts';

const cfg = { base: 'wattwire', bridge: 'wattwire/bridge', discoveryPrefix: 'homeassistant', version: '0.1.0' };

describe('Home Assistant discovery payload', () => {
  const table: RegisterDescriptor[] = [
    { key: 'energy', name: 'Energy', unit: 'kWh', deviceClass: 'energy', stateClass: 'total_increasing', precision: 2 },
    { key: 'state', name: 'State', type: 'enum', options: ['off', 'on'] },
    { key: 'limit', name: 'Limit', unit: 'A', deviceClass: 'current', writable: true, min: 0, max: 32 },
    { key: 'mode', name: 'Mode', type: 'enum', options: ['a', 'b'], writable: true },
    { key: 'enabled', name: 'Enabled', type: 'bool', writable: true },
  ];
  const hub = new Hub();
  hub.addDevice({ id: 'dev1', kind: 'test', name: 'Device 1', manufacturer: 'ACME', serialNumber: 'S1' }, table);
  const payload = discoveryPayload(cfg, hub.get('dev1')!) as Record<string, any>;

  it('has device, origin, components and availability of bridge and device', () => {
    expect(payload.dev).toMatchObject({ ids: ['wattwire_dev1'], name: 'Device 1', mf: 'ACME', sn: 'S1' });
    expect(payload.o.name).toBe('Wattwire');
    expect(payload.avty_mode).toBe('all');
    expect(payload.avty.map((a: { t: string }) => a.t)).toEqual(['wattwire/bridge/status', 'wattwire/dev1/status']);
    expect(payload.stat_t).toBe('wattwire/dev1/state');
  });

  it('makes energy counters Energy-dashboard ready', () => {
    expect(payload.cmps.energy).toMatchObject({
      p: 'sensor',
      dev_cla: 'energy',
      stat_cla: 'total_increasing',
      unit_of_meas: 'kWh',
      uniq_id: 'wattwire_dev1_energy',
    });
  });

  it('maps enums to enum sensors and writable registers to number/select/switch with command topics', () => {
    expect(payload.cmps.state).toMatchObject({ p: 'sensor', dev_cla: 'enum', ops: ['off', 'on'] });
    expect(payload.cmps.state.unit_of_meas).toBeUndefined();
    expect(payload.cmps.limit).toMatchObject({ p: 'number', min: 0, max: 32, cmd_t: 'wattwire/dev1/set/limit', ent_cat: 'config' });
    expect(payload.cmps.mode).toMatchObject({ p: 'select', ops: ['a', 'b'] });
    expect(payload.cmps.enabled).toMatchObject({ p: 'switch', stat_on: 'ON' });
  });

  it("offers a number with the device's own range when it reported one", () => {
    const own = new Hub();
    own.addDevice({ id: 'dev2', kind: 'test', name: 'Device 2' }, [{ ...table[2]!, deviceRange: { min: 6, max: 16 } }]);
    const cmps = (discoveryPayload(cfg, own.get('dev2')!) as Record<string, any>).cmps;
    expect(cmps.limit).toMatchObject({ min: 6, max: 16 });
  });

  it('gives every entity component a unique id and a platform', () => {
    const ids = Object.values(payload.cmps).map((c: any) => c.uniq_id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const c of Object.values(payload.cmps) as any[]) expect(c.p).toBeTruthy();
  });
});

describe('Home Assistant unit rules', () => {
  it('flag wrong units and state classes', () => {
    expect(haRuleViolations({ key: 'p', name: 'P', unit: 'kWh', deviceClass: 'power', stateClass: 'measurement' })).toHaveLength(1);
    expect(haRuleViolations({ key: 'q', name: 'Q', unit: 'VAr', deviceClass: 'reactive_power', stateClass: 'measurement' })).toHaveLength(
      1,
    );
    expect(haRuleViolations({ key: 'e', name: 'E', unit: 'kWh', deviceClass: 'energy', stateClass: 'measurement' })).toHaveLength(1);
    expect(haRuleViolations({ key: 'e', name: 'E', unit: 'kWh', deviceClass: 'energy', stateClass: 'total_increasing' })).toEqual([]);
    expect(DEVICE_CLASS_RULES.reactive_power!.units).toContain('var');
  });
});
