import { describe, expect, it, vi } from 'vitest';
import { CommandError, Hub, WritesOffError, checkWriteValue, valuesRead } from '../../../server/core/hub.ts';
import { deviceView } from '../../../server/web/deviceView.ts';
import type { RegisterDescriptor } from '../../../server/core/registers.ts';

const table: RegisterDescriptor[] = [
  { key: 'energy', name: 'Energy', unit: 'kWh', deviceClass: 'energy', stateClass: 'total_increasing', groups: ['energy'] },
  { key: 'voltage', name: 'Voltage', unit: 'V', deviceClass: 'voltage', stateClass: 'measurement', bounds: { min: 0, max: 400 } },
  { key: 'mode', name: 'Mode', type: 'enum', options: ['off', 'on', 'auto'], enumValues: [0, 1, 4] },
  { key: 'limit', name: 'Limit', unit: 'A', writable: true, min: 0, max: 32, step: 1 },
];

function setup() {
  const hub = new Hub(() => 1000);
  const events: string[] = [];
  hub.on('event', (_rec, ev) => events.push(ev.event));
  const handle = hub.addDevice({ id: 'm1', kind: 'test', name: 'Meter 1' }, table);
  return { hub, handle, events };
}

describe('Hub', () => {
  it('stores accepted readings and maps enum values to labels', () => {
    const { hub, handle } = setup();
    handle.publish([
      { key: 'energy', value: 12.5 },
      { key: 'mode', value: 4 },
      { key: 'unknown', value: 1 },
    ]);
    expect(hub.get('m1')?.state).toEqual({ energy: 12.5, mode: 'auto' });
  });

  it('keeps each device of one table apart, and shows only the values read', () => {
    const { hub, handle } = setup();
    const other = hub.addDevice({ id: 'm2', kind: 'test', name: 'Meter 2' }, table);
    handle.publish([{ key: 'voltage', value: 230 }]);
    other.publish([{ key: 'energy', value: 7 }]);
    const m1 = hub.get('m1');
    const m2 = hub.get('m2');
    if (!m1 || !m2) throw new Error('devices missing');
    expect(valuesRead(m1.state)).toEqual({ voltage: 230 });
    expect(valuesRead(m2.state)).toEqual({ energy: 7 });
    expect(valuesRead(m1.updated)).toEqual({ voltage: 1000 });
    expect(deviceView(m2).state).toEqual({ energy: 7 });
    expect(Object.keys(deviceView(m2).updated)).toEqual(['energy']);
    expect(JSON.parse(JSON.stringify(m1.state))).toEqual({ voltage: 230 });
  });

  it('refuses a counter that goes backwards, with an event, and keeps the last value', () => {
    const { hub, handle, events } = setup();
    handle.publish([{ key: 'energy', value: 100 }]);
    const accepted = handle.publish([{ key: 'energy', value: 99.9 }]);
    expect(accepted).toHaveLength(0);
    expect(hub.get('m1')?.state.energy).toBe(100);
    expect(events).toContain('counter_regression');
    expect(handle.publish([{ key: 'energy', value: 100.1 }])).toHaveLength(1);
  });

  it('accepts a daily counter restarting after local midnight, and nothing else going down', () => {
    let now = new Date(2026, 10, 27, 23, 50).getTime();
    const hub = new Hub(() => now);
    const events: string[] = [];
    hub.on('event', (_r, ev) => events.push(ev.event));
    const h = hub.addDevice({ id: 'x', kind: 't', name: 'X' }, [
      { key: 'today', name: 'Today', unit: 'kWh', deviceClass: 'energy', stateClass: 'total_increasing', resetsDaily: true },
    ]);
    h.publish([{ key: 'today', value: 12.3 }]);
    now += 5 * 60_000;
    expect(h.publish([{ key: 'today', value: 12.0 }])).toHaveLength(0);
    now += 10 * 60_000;
    expect(h.publish([{ key: 'today', value: 0.1 }])).toHaveLength(1);
    expect(hub.get('x')?.state.today).toBe(0.1);
    expect(events).toEqual(['counter_regression', 'counter_reset']);
  });

  it('drops implausible values outside the bounds', () => {
    const { hub, handle, events } = setup();
    handle.publish([{ key: 'voltage', value: 230 }]);
    handle.publish([{ key: 'voltage', value: 9999 }]);
    expect(hub.get('m1')?.state.voltage).toBe(230);
    expect(events).toEqual(['implausible_value']);
  });

  it('publishes null for invalid numbers', () => {
    const { hub, handle } = setup();
    handle.publish([{ key: 'voltage', value: Number.NaN }]);
    expect(hub.get('m1')?.state.voltage).toBeNull();
  });

  it('refuses writes when the device does not allow them', async () => {
    const { hub, handle } = setup();
    handle.setStatus('online');
    await expect(hub.write('m1', 'limit', 10)).rejects.toThrow(WritesOffError);
    await expect(hub.write('m1', 'limit', 10)).rejects.toThrow('Writes are off for device m1 ("Meter 1"): it takes no writes');
  });

  it('says that writes are off and names the option, also for a register offered read-only because of it', async () => {
    const hub = new Hub();
    const offTable: RegisterDescriptor[] = [
      ...table,
      { key: 'min_soc', name: 'Minimum SoC', unit: '%', writable: false, writesOff: true, min: 0, max: 100 },
    ];
    hub
      .addDevice({ id: 'gx', kind: 'victron', name: 'GX', writesOption: 'allow_writes' }, offTable, { write: vi.fn() })
      .setStatus('online');
    for (const key of ['limit', 'min_soc']) {
      const attempt = hub.write('gx', key, 10);
      await expect(attempt).rejects.toThrow(WritesOffError);
      await expect(attempt).rejects.toThrow('Writes are off for device gx ("GX"): turn on allow_writes in its options');
    }
    await expect(hub.write('gx', 'energy', 1)).rejects.toThrow('Register "energy" is read-only');
  });

  it('checks writes against min/max and passes the value to the device', async () => {
    const hub = new Hub();
    const write = vi.fn(async (_k: string, v: unknown) => v as number);
    hub.addDevice({ id: 'w', kind: 'test', name: 'W', allowWrites: true }, table, { write }).setStatus('online');
    await expect(hub.write('w', 'limit', 40)).rejects.toThrow(/above the maximum 32/);
    await expect(hub.write('w', 'energy', 1)).rejects.toThrow(/read-only/);
    expect(await hub.write('w', 'limit', '16')).toBe(16);
    expect(write).toHaveBeenCalledWith('limit', 16);
    expect(hub.get('w')?.state.limit).toBe(16);
  });

  it('refuses commands for an offline device with the reason', async () => {
    const { hub, handle } = setup();
    handle.setStatus('offline', 'socket closed');
    await expect(hub.read('m1', ['energy'])).rejects.toThrow(/not connected \(socket closed\)/);
    await expect(hub.read('nope', ['energy'])).rejects.toBeInstanceOf(CommandError);
  });

  it('rejects device ids that cannot be MQTT topic levels', () => {
    const hub = new Hub();
    expect(() => hub.addDevice({ id: 'a/b', kind: 't', name: 'x' }, [])).toThrow(/device id/);
  });
});

describe('checkWriteValue', () => {
  it('maps enum labels to raw values and refuses unknown labels', () => {
    expect(checkWriteValue(table[2]!, 'auto')).toBe(4);
    expect(() => checkWriteValue(table[2]!, 'turbo')).toThrow(/one of: off, on, auto/);
  });
  it('accepts ON/OFF for switches', () => {
    const sw: RegisterDescriptor = { key: 's', name: 'S', type: 'bool', writable: true };
    expect(checkWriteValue(sw, 'ON')).toBe(true);
    expect(checkWriteValue(sw, 'OFF')).toBe(false);
    expect(() => checkWriteValue(sw, 'maybe')).toThrow(/ON\/OFF/);
  });
  it("checks numbers against the device's range when it reported one, naming whose limit it is", () => {
    const limit: RegisterDescriptor = { key: 'limit', name: 'Limit', writable: true, min: 0, max: 50 };
    expect(() => checkWriteValue(limit, 51)).toThrow('Value 51 for "limit" is above the maximum 50');
    const reported = { ...limit, deviceRange: { min: 2, max: 40 } };
    expect(() => checkWriteValue(reported, 45)).toThrow(`Value 45 for "limit" is above the device's maximum 40`);
    expect(() => checkWriteValue(reported, 1)).toThrow(`Value 1 for "limit" is below the device's minimum 2`);
    expect(checkWriteValue({ ...limit, deviceRange: { min: 0, max: 60 } }, 55)).toBe(55);
  });
});

describe('Hub.write', () => {
  it('lets the device report its range before the check, and writes only what passes it', async () => {
    const hub = new Hub();
    const reg: RegisterDescriptor = { key: 'limit', name: 'Limit', writable: true, min: 0, max: 50 };
    const written: unknown[] = [];
    hub.addDevice({ id: 'd', kind: 't', name: 'D', allowWrites: true }, [reg], {
      prepareWrite: async () => {
        reg.deviceRange = { min: 0, max: 40 };
      },
      write: async (_key, value) => {
        written.push(value);
        return value;
      },
    });
    hub.setStatus('d', 'online');
    await expect(hub.write('d', 'limit', 45)).rejects.toThrow(/device's maximum 40/);
    expect(await hub.write('d', 'limit', 40)).toBe(40);
    expect(written).toEqual([40]);
  });
});
