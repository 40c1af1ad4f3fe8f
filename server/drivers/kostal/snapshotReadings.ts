/** An inverter snapshot as hub readings (energy counters go through EnergyGuard). */
import type { Reading } from '../../core/hub.ts';
import type { RegisterDescriptor } from '../../core/registers.ts';
import { OPERATING_STATES } from '../../protocols/kostal/operatingState.ts';
import type { InverterSnapshot } from '../../protocols/kostal/snapshot.ts';
import { DXS_REGISTERS, phaseRegisters, stringRegisters } from './registers.ts';

export type NightPower = 'zero' | 'unavailable';

/** The registers this snapshot shows beyond the base table. */
export function registersFor(s: InverterSnapshot): RegisterDescriptor[] {
  return [
    ...(s.generation === 'dxs' ? DXS_REGISTERS : []),
    ...s.strings.flatMap((x) => stringRegisters(x.index)),
    ...s.phases.flatMap((p) => phaseRegisters(p.index, s.generation === 'dxs')),
  ];
}

/**
 * Live values. On a night page (`x x x`) power and current are 0 or null as the user
 * chose; voltages are null.
 */
export function liveReadings(s: InverterSnapshot, nightPower: NightPower): Reading[] {
  const asleep = s.placeholders || s.state === 'off';
  const quiet = (v: number | null): number | null => (v === null && asleep && nightPower === 'zero' ? 0 : v);
  const readings: Reading[] = [
    { key: 'ac_power', value: quiet(s.acPowerW) },
    { key: 'operating_state', value: s.state === null ? null : OPERATING_STATES.indexOf(s.state), raw: s.statusText ?? undefined },
    { key: 'status_text', value: s.statusText },
  ];
  for (const x of s.strings) {
    readings.push(
      { key: `string${x.index}_voltage`, value: x.voltageV },
      { key: `string${x.index}_current`, value: quiet(x.currentA) },
      { key: `string${x.index}_power`, value: quiet(x.powerW) },
    );
  }
  for (const p of s.phases) {
    readings.push({ key: `l${p.index}_voltage`, value: p.voltageV }, { key: `l${p.index}_power`, value: quiet(p.powerW) });
    if (s.generation === 'dxs') readings.push({ key: `l${p.index}_current`, value: quiet(p.currentA) });
  }
  if (s.generation === 'dxs') {
    readings.push(
      { key: 'dc_power', value: quiet(s.dcPowerW ?? null) },
      { key: 'grid_frequency', value: s.frequencyHz ?? null },
      { key: 'power_factor', value: s.powerFactor ?? null },
      { key: 'power_limitation', value: s.limitationPct ?? null },
    );
    if (s.operatingTimeH != null) readings.push({ key: 'operating_time', value: s.operatingTimeH });
  }
  return readings;
}

/** When the inverter does not answer at night: power and current 0 or null, voltages null; energy untouched. */
export function unreachableNightReadings(registers: readonly RegisterDescriptor[], nightPower: NightPower): Reading[] {
  return registers
    .filter((r) => r.deviceClass === 'power' || r.deviceClass === 'current' || r.deviceClass === 'voltage' || r.deviceClass === 'frequency')
    .map((r) => ({ key: r.key, value: nightPower === 'zero' && (r.deviceClass === 'power' || r.deviceClass === 'current') ? 0 : null }));
}
