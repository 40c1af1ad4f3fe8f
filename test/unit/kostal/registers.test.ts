import { describe, expect, it } from 'vitest';
import { tableViolations } from '../../../server/core/haRules.ts';
import { ALL_REGISTERS, BASE_REGISTERS, DXS_POLL_IDS } from '../../../server/drivers/kostal/registers.ts';
import { kostalInverter } from '../../../server/drivers/kostal/options.ts';
import { liveReadings, registersFor, unreachableNightReadings } from '../../../server/drivers/kostal/snapshotReadings.ts';
import { DXS, dxsSnapshot } from '../../../server/protocols/kostal/dxs.ts';
import type { InverterSnapshot } from '../../../server/protocols/kostal/snapshot.ts';

const night: InverterSnapshot = {
  generation: 'classic',
  statusText: 'Aus',
  state: 'off',
  acPowerW: null,
  totalEnergyKwh: 69425,
  dailyEnergyKwh: 15.19,
  strings: [{ index: 1, voltageV: null, currentA: null, powerW: null }],
  phases: [{ index: 1, voltageV: null, currentA: null, powerW: null }],
  placeholders: true,
};

describe('kostal register table and options', () => {
  it('follows Home Assistant rules', () => {
    expect(tableViolations(ALL_REGISTERS)).toEqual([]);
  });

  it('defaults the user to the factory pvserver and names a missing host', () => {
    const ok = kostalInverter.parse({ host: '192.168.1.20' });
    expect(ok).toMatchObject({ username: 'pvserver', generation: 'auto', night_power: 'zero', poll_interval: 30, timeout: 10 });
    const bad = kostalInverter.safeParse({ host: '' });
    expect(bad.success).toBe(false);
  });

  it('publishes 0 W at night by choice, or nothing but null', () => {
    const zero = liveReadings(night, 'zero');
    expect(zero.find((r) => r.key === 'ac_power')?.value).toBe(0);
    expect(zero.find((r) => r.key === 'l1_power')?.value).toBe(0);
    expect(zero.find((r) => r.key === 'string1_voltage')?.value).toBeNull();
    expect(liveReadings(night, 'unavailable').find((r) => r.key === 'ac_power')?.value).toBeNull();
    const table = [...ALL_REGISTERS];
    const unreachable = unreachableNightReadings(table, 'zero');
    expect(unreachable.find((r) => r.key === 'ac_power')?.value).toBe(0);
    expect(unreachable.some((r) => r.key.startsWith('energy'))).toBe(false);
  });

  it('adds registers only for the strings and phases the inverter shows', () => {
    const keys = registersFor(night).map((r) => r.key);
    expect(keys).toEqual(['string1_voltage', 'string1_current', 'string1_power', 'l1_voltage', 'l1_power']);
  });

  it('polls exactly the DXS ids of the table, and a full answer publishes exactly its keys', () => {
    const ids = ALL_REGISTERS.filter((r) => r.id !== undefined).map((r) => Number(r.id));
    expect([...DXS_POLL_IDS]).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    const answer = new Map(DXS_POLL_IDS.map((id) => [id, id === DXS.operatingStatus ? 3 : 1] as const));
    const snapshot = dxsSnapshot(answer);
    // The energy counters reach the hub through EnergyGuard, not liveReadings.
    const published = new Set([...liveReadings(snapshot, 'zero').map((r) => r.key), 'energy_total', 'energy_today']);
    const registered = new Set([...BASE_REGISTERS, ...registersFor(snapshot)].map((r) => r.key));
    expect([...published].sort()).toEqual([...registered].sort());
    expect([...registered].sort()).toEqual(ALL_REGISTERS.map((r) => r.key).sort());
  });
});
