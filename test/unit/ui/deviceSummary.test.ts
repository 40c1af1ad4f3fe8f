import { describe, expect, it } from 'vitest';
import { deviceCounts } from '../../../server/core/deviceCounts.ts';
import { Hub } from '../../../server/core/hub.ts';
import { deviceSummary } from '../../../ui/src/deviceCounts.ts';

describe('device counts', () => {
  it('the overview line names the devices in fault and those still connecting', () => {
    const states = ['online', 'fault', 'connecting', 'unknown', 'asleep'] as const;
    expect(deviceSummary(states.map((availability) => ({ availability })))).toBe('5 devices: 1 online, 1 asleep, 2 connecting, 1 in fault');
    expect(deviceSummary([{ availability: 'online' }])).toBe('1 device: 1 online');
  });

  it('api/health counts a device not reported on yet as connecting', () => {
    const hub = new Hub();
    hub.addDevice({ id: 'a', kind: 'kostal', name: 'A' }, []).setStatus('fault', 'HTTP 401');
    hub.addDevice({ id: 'b', kind: 'kostal', name: 'B' }, []);
    hub.addDevice({ id: 'c', kind: 'kostal', name: 'C' }, []).setStatus('connecting');
    expect(deviceCounts(hub.list())).toEqual({ total: 3, online: 0, asleep: 0, connecting: 2, offline: 0, fault: 1 });
  });
});
