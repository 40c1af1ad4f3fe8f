import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Hub } from '../../../server/core/hub.ts';
import { executeCommand } from '../../../server/mqtt/commands.ts';
import type { RegisterDescriptor } from '../../../server/core/registers.ts';
import { DLT645_REGISTERS } from '../../../server/drivers/dlt645/registers.ts';

const table: RegisterDescriptor[] = [
  {
    key: 'totalActiveEnergy',
    id: '00010000',
    name: 'Energy',
    unit: 'kWh',
    deviceClass: 'energy',
    stateClass: 'total_increasing',
    groups: ['energy'],
  },
  { key: 'voltageA', id: '02010100', name: 'Voltage A', unit: 'V', deviceClass: 'voltage', stateClass: 'measurement', groups: ['voltage'] },
];

function hubWithMeter(online = true) {
  const hub = new Hub();
  const h = hub.addDevice({ id: '000000000001', kind: 'dlt645', name: 'M' }, table, {
    read: async (keys) => keys.map((k) => ({ key: k, value: k === 'voltageA' ? 230.1 : 42.5 })),
  });
  h.setStatus(online ? 'online' : 'offline', online ? undefined : 'socket closed');
  return hub;
}

describe('topic API commands', () => {
  it('reads by register name and by dataId, echoing the requestId', async () => {
    const hub = hubWithMeter();
    const byName = await executeCommand(
      hub,
      '000000000001',
      JSON.stringify({ requestId: 'req-1', command: 'read', register: 'totalActiveEnergy' }),
    );
    expect(byName).toMatchObject({ requestId: 'req-1', success: true, data: { register: 'totalActiveEnergy', value: 42.5, unit: 'kWh' } });
    const byId = await executeCommand(hub, '000000000001', JSON.stringify({ requestId: 'req-2', command: 'read', dataId: '02010100' }));
    expect(byId).toMatchObject({ requestId: 'req-2', success: true, data: { register: 'voltageA', value: 230.1, unit: 'V' } });
  });

  it('reads a group and several registers', async () => {
    const hub = hubWithMeter();
    const group = await executeCommand(hub, '000000000001', JSON.stringify({ requestId: 3, command: 'readGroup', group: 'voltage' }));
    expect(group.data).toEqual({ group: 'voltage', readings: [{ register: 'voltageA', dataId: '02010100', value: 230.1, unit: 'V' }] });
    const all = await executeCommand(
      hub,
      '000000000001',
      JSON.stringify({ requestId: 4, command: 'readMultiple', registers: ['voltageA', 'totalActiveEnergy'] }),
    );
    expect((all.data as { readings: unknown[] }).readings).toHaveLength(2);
  });

  it('refuses a write on a device with writes off, naming the option that turns them on', async () => {
    const hub = new Hub();
    const setting: RegisterDescriptor = { key: 'min_soc', name: 'Minimum SoC', unit: '%', writesOff: true, min: 0, max: 100 };
    hub.addDevice({ id: 'gx', kind: 'victron', name: 'GX', writesOption: 'allow_writes' }, [setting], {}).setStatus('online');
    expect(
      await executeCommand(hub, 'gx', JSON.stringify({ requestId: 'w1', command: 'write', register: 'min_soc', value: 20 })),
    ).toMatchObject({
      requestId: 'w1',
      success: false,
      error: 'Writes are off for device gx ("GX"): turn on allow_writes in its options',
    });
  });

  it('answers errors with success:false, the requestId and a message naming the problem', async () => {
    const hub = hubWithMeter();
    expect(await executeCommand(hub, '000000000001', '{not json')).toMatchObject({
      requestId: null,
      success: false,
      error: expect.stringMatching(/not valid JSON/),
    });
    expect(await executeCommand(hub, '000000000001', JSON.stringify({ requestId: 'x', command: 'read', register: 'nope' }))).toMatchObject({
      requestId: 'x',
      success: false,
      error: expect.stringMatching(/Unknown register "nope"/),
    });
    expect(await executeCommand(hub, '000000000001', JSON.stringify({ requestId: 'y', command: 'explode' }))).toMatchObject({
      requestId: 'y',
      success: false,
      error: expect.stringMatching(/command/),
    });
    expect(
      await executeCommand(hub, '000000000001', JSON.stringify({ requestId: 'z', command: 'readGroup', group: 'bogus' })),
    ).toMatchObject({ success: false, error: expect.stringMatching(/Unknown group "bogus"/) });
    expect(
      await executeCommand(hubWithMeter(false), '000000000001', JSON.stringify({ requestId: 'o', command: 'read', register: 'voltageA' })),
    ).toMatchObject({ requestId: 'o', success: false, error: expect.stringMatching(/Meter not connected/) });
  });

  it('refuses a requestId over 200 characters, naming the field and not echoing it', async () => {
    const res = await executeCommand(
      hubWithMeter(),
      '000000000001',
      JSON.stringify({ requestId: 'r'.repeat(100_000), command: 'read', register: 'voltageA' }),
    );
    expect(res).toMatchObject({ requestId: null, success: false, error: expect.stringMatching(/^requestId: /) });
    expect(JSON.stringify(res).length).toBeLessThan(500);
  });

  it('reads group "all" on any device, and says so when there is nothing to read', async () => {
    const hub = new Hub();
    hub
      .addDevice({ id: 'ondemand', kind: 'xtender', name: 'X' }, [{ key: 'flash', name: 'Flash', onDemand: true }], {
        read: async (keys) => keys.map((k) => ({ key: k, value: 7 })),
      })
      .setStatus('online');
    hub.addDevice({ id: 'empty', kind: 'victron', name: 'GX' }, [], {}).setStatus('online');
    const all = await executeCommand(hub, 'ondemand', JSON.stringify({ requestId: 1, command: 'readGroup', group: 'all' }));
    expect(all).toMatchObject({ success: true, data: { group: 'all', readings: [{ register: 'flash', value: 7 }] } });
    const none = await executeCommand(hub, 'empty', JSON.stringify({ requestId: 2, command: 'readGroup', group: 'all' }));
    expect(none).toMatchObject({ success: false, error: 'Device empty has no registers to read yet' });
    const unknown = await executeCommand(
      hubWithMeter(),
      '000000000001',
      JSON.stringify({ requestId: 3, command: 'readGroup', group: 'bogus' }),
    );
    expect(unknown.error).toBe('Unknown group "bogus"; this device has: energy, voltage, all');
  });

  it('never throws, whatever the payload', async () => {
    const hub = hubWithMeter();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.uint8Array().map((b) => Buffer.from(b).toString('latin1')),
        ),
        async (payload) => {
          const res = await executeCommand(hub, '000000000001', payload);
          expect(typeof res.success).toBe('boolean');
          if (!res.success) expect(res.error).toBeTruthy();
        },
      ),
      { numRuns: 300 },
    );
  });

  it('answers in the IVY seed\'s units: kW, kvar, kVA, and "-" for power factor', async () => {
    const hub = new Hub();
    const values: Record<string, number> = {
      totalActivePower: 1234.5,
      totalReactivePower: -250.1,
      totalApparentPower: 1300,
      totalPowerFactor: 0.95,
    };
    hub
      .addDevice({ id: '000000000002', kind: 'dlt645', name: 'M' }, DLT645_REGISTERS, {
        read: async (keys) => keys.map((k) => ({ key: k, value: values[k]! })),
      })
      .setStatus('online');
    const res = await executeCommand(
      hub,
      '000000000002',
      JSON.stringify({ requestId: 'u', command: 'readMultiple', registers: Object.keys(values) }),
    );
    expect(res).toMatchObject({ success: true });
    expect((res.data as { readings: unknown[] }).readings).toEqual([
      { register: 'totalActivePower', dataId: '02030000', value: 1.2345, unit: 'kW' },
      { register: 'totalReactivePower', dataId: '02040000', value: -0.2501, unit: 'kvar' },
      { register: 'totalApparentPower', dataId: '02050000', value: 1.3, unit: 'kVA' },
      { register: 'totalPowerFactor', dataId: '02060000', value: 0.95, unit: '-' },
    ]);
    // Home Assistant's state keeps W.
    expect(hub.get('000000000002')?.state.totalActivePower).toBe(1234.5);
  });

  it('answers a register the meter refuses with success:false and its error, never a null value', async () => {
    const hub = new Hub();
    hub
      .addDevice({ id: '000000000003', kind: 'dlt645', name: 'M' }, table, {
        read: async (keys) =>
          keys.map((k) =>
            k === 'voltageA'
              ? { key: k, value: null, raw: '02', error: 'the meter refused voltageA (02010100): no requested data' }
              : { key: k, value: 42.5 },
          ),
      })
      .setStatus('online');
    const one = await executeCommand(hub, '000000000003', JSON.stringify({ requestId: 'e1', command: 'read', register: 'voltageA' }));
    expect(one).toEqual({
      requestId: 'e1',
      success: false,
      timestamp: expect.any(Number),
      error: 'the meter refused voltageA (02010100): no requested data',
    });
    const some = await executeCommand(
      hub,
      '000000000003',
      JSON.stringify({ requestId: 'e2', command: 'readMultiple', registers: ['totalActiveEnergy', 'voltageA'] }),
    );
    expect(some).toMatchObject({
      success: true,
      data: {
        readings: [{ register: 'totalActiveEnergy', dataId: '00010000', value: 42.5, unit: 'kWh' }],
        errors: [{ register: 'voltageA', dataId: '02010100', error: expect.stringMatching(/no requested data/) }],
      },
    });
    const none = await executeCommand(hub, '000000000003', JSON.stringify({ requestId: 'e3', command: 'readGroup', group: 'voltage' }));
    expect(none).toMatchObject({ success: false, error: expect.stringMatching(/refused voltageA/) });
    expect(hub.get('000000000003')?.state.voltageA).toBeNull();
  });
});
