/**
 * One simulated DL/T 645-2007 meter: answers read-data (0x11) for the DIs of the reference's
 * tables, read-address (0x13) on the wildcard (or only on 99…99, or not at all), and error
 * replies for everything else.
 */
import type { Household } from './household.ts';
import { addressBytes, diFromWire, diToWire, meterFrame, toBcd, type MasterRequest } from './slaveFrames.ts';

interface SimFormat {
  bytes: number;
  decimals: number;
  signed: boolean;
  /** Phase index the DI needs (B = 1, C = 2): single-phase meters answer "no requested data". */
  phase?: number;
}

/** One value, or a block DI (…FF…) that answers the values of its member DIs back to back. */
type SimDi = SimFormat & ({ value(h: Household, ms: number): number } | { members: string[] });

const perPhase = (
  base: string,
  f: (h: Household, phase: number, ms: number) => number,
  fmt: [number, number, boolean],
): Record<string, SimDi> => {
  const out: Record<string, SimDi> = {};
  [0, 1, 2].forEach((phase) => {
    out[`${base}0${phase + 1}00`] = { bytes: fmt[0], decimals: fmt[1], signed: fmt[2], phase, value: (h, ms) => f(h, phase, ms) };
  });
  return out;
};

/** DI → format and value, from protocols/dlt645.md §4.2–4.3. */
const DIS: Record<string, SimDi> = {
  '00000000': { bytes: 4, decimals: 2, signed: true, value: (h) => h.importKwh - h.exportKwh },
  '00010000': { bytes: 4, decimals: 2, signed: false, value: (h) => h.importKwh },
  '00010100': { bytes: 4, decimals: 2, signed: false, value: (h) => h.tariffKwh[0] },
  '00010200': { bytes: 4, decimals: 2, signed: false, value: (h) => h.tariffKwh[1] },
  '00020000': { bytes: 4, decimals: 2, signed: false, value: (h) => h.exportKwh },
  ...perPhase('0201', (h, p, ms) => h.voltage(p, ms), [2, 1, false]),
  '0201FF00': { bytes: 2, decimals: 1, signed: false, phase: 2, members: ['02010100', '02010200', '02010300'] },
  ...perPhase('0202', (h, p, ms) => h.current(p, ms), [3, 3, true]),
  '0202FF00': { bytes: 3, decimals: 3, signed: true, phase: 2, members: ['02020100', '02020200', '02020300'] },
  '02030000': { bytes: 3, decimals: 4, signed: true, value: (h, ms) => h.totalPowerKw(ms) },
  ...perPhase('0203', (h, p, ms) => h.phasePowerKw(p, ms), [3, 4, true]),
  '02040000': { bytes: 3, decimals: 4, signed: true, value: (h, ms) => h.totalPowerKw(ms) * Math.tan(Math.acos(h.powerFactor(0, ms))) },
  '02050000': { bytes: 3, decimals: 4, signed: true, value: (h, ms) => Math.abs(h.totalPowerKw(ms)) / h.powerFactor(0, ms) },
  '02060000': { bytes: 2, decimals: 3, signed: true, value: (h, ms) => h.powerFactor(0, ms) },
  ...perPhase('0206', (h, p, ms) => h.powerFactor(p, ms), [2, 3, true]),
  '02800002': { bytes: 2, decimals: 2, signed: false, value: (h, ms) => h.frequency(ms) },
  '02800007': { bytes: 2, decimals: 1, signed: true, value: (_h, ms) => 31 + 4 * Math.sin(ms / 600_000) },
};

export const SUPPORTED_DIS = Object.keys(DIS);

/** Where a meter answers read-address: the standard wildcard, 99…99 only (as the IVY gateway's simulator), or nowhere. */
export type ReadAddressOn = 'wildcard' | 'broadcast' | 'never';

const READ_ADDRESS_ON: Record<ReadAddressOn, string | undefined> = {
  wildcard: 'AAAAAAAAAAAA',
  broadcast: '999999999999',
  never: undefined,
};

export interface SimMeterOptions {
  address: string;
  household: Household;
  /** Wake-up bytes in front of each reply (vendors send 0–4). */
  wakeUp?: number;
  readAddressOn?: ReadAddressOn;
}

export class SimMeter {
  readonly address: string;
  readonly household: Household;
  private readonly wakeUp: number;
  private readonly readAddressOn: ReadAddressOn;
  /** Answer every read with this error word instead of data (fault injection). */
  errorWord: number | undefined;
  reads = 0;

  constructor(opts: SimMeterOptions) {
    this.address = opts.address;
    this.household = opts.household;
    this.wakeUp = opts.wakeUp ?? 0;
    this.readAddressOn = opts.readAddressOn ?? 'wildcard';
  }

  /** Whether this meter takes the request (its own address, the wildcard, or the broadcast 99…99). */
  accepts(req: MasterRequest): boolean {
    return req.address === this.address || req.address === 'AAAAAAAAAAAA' || req.address === '999999999999';
  }

  /** The reply to a master request, or undefined where a meter stays silent. */
  answer(req: MasterRequest, ms = Date.now(), errorWord = this.errorWord): Buffer | undefined {
    if (!this.accepts(req)) return undefined;
    const func = req.control & 0x1f;
    if ((req.control & 0x80) !== 0) return undefined;
    if (func === 0x13) {
      if (req.address !== READ_ADDRESS_ON[this.readAddressOn]) return undefined;
      return meterFrame(this.address, 0x93, addressBytes(this.address), this.wakeUp);
    }
    if (req.address === '999999999999') return undefined;
    if (func !== 0x11 || req.data.length < 4) return this.error(func, 0x01);
    this.reads++;
    if (errorWord !== undefined) return this.error(func, errorWord);
    return this.readData(diFromWire(req.data), ms);
  }

  /** An unsolicited import-energy reply, as when the DTU polls the meter itself after connecting. */
  announce(ms = Date.now()): Buffer {
    return this.readData('00010000', ms) ?? Buffer.alloc(0);
  }

  private readData(di: string, ms: number): Buffer {
    const spec = DIS[di];
    const h = this.household;
    if (!spec || (spec.phase !== undefined && spec.phase >= h.phases.length)) return this.error(0x11, 0x02);
    h.advance(ms);
    const registerValue = (id: string) => {
      const member = DIS[id];
      return h.overrides.get(id) ?? ('value' in member ? member.value(h, ms) : 0);
    };
    const values = 'members' in spec ? spec.members.map(registerValue) : [registerValue(di)];
    const bcd = values.flatMap((v) => toBcd(v, spec.bytes, spec.decimals, spec.signed));
    return meterFrame(this.address, 0x91, [...diToWire(di), ...bcd], this.wakeUp);
  }

  private error(func: number, word: number): Buffer {
    return meterFrame(this.address, 0xc0 | func, [word], this.wakeUp);
  }
}
