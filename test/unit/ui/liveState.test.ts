import { describe, expect, it } from 'vitest';
import { HISTORY_MS, LiveState } from '../../../ui/src/liveState.ts';
import type { DeviceView } from '../../../ui/src/types.ts';

const device = (id: string): DeviceView => ({
  id,
  kind: 'kostal',
  name: `Inverter ${id}`,
  allowWrites: false,
  availability: 'online',
  since: 0,
  state: { power: 100 },
  updated: { power: 1000 },
  registers: [{ key: 'power', name: 'Power', unit: 'W' }],
  diagnostics: {},
});

describe('live state from the stream', () => {
  it('applies readings, status and removal to the snapshot', () => {
    const s = new LiveState();
    s.apply('snapshot', [device('a'), device('b')], 1000);
    s.apply('readings', { id: 'a', ts: 2000, values: { power: 250 } }, 2000);
    s.apply('status', { id: 'b', availability: 'asleep', reason: 'night', since: 2000 }, 2000);
    s.apply('removed', { id: 'a' }, 3000);
    expect(s.devices.has('a')).toBe(false);
    expect(s.devices.get('b')).toMatchObject({ availability: 'asleep', reason: 'night' });
    expect(s.series('a', 'power')).toEqual([
      [1000, 100],
      [2000, 250],
    ]);
  });

  it('keeps one hour of numeric values only', () => {
    const s = new LiveState();
    s.apply('snapshot', [device('a')], 0);
    s.apply('readings', { id: 'a', ts: 10, values: { power: 'n/a' } }, 10);
    s.apply('readings', { id: 'a', ts: HISTORY_MS + 5000, values: { power: 7 } }, HISTORY_MS + 5000);
    expect(s.series('a', 'power')).toEqual([[HISTORY_MS + 5000, 7]]);
    expect(s.devices.get('a')?.state.power).toBe(7);
  });

  it('ignores unknown events without changing', () => {
    const s = new LiveState();
    expect(s.apply('mystery', {})).toBe(false);
    expect(s.version).toBe(0);
  });
});
