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
  // The value depends on the meter's mode word: SimMeter.combinedEnergy answers it.
  '00000000': { bytes: 4, decimals: 2, signed: true, value: () => Number.NaN },
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

/** Forward and reverse active energy DIs: refused by a meter that serves only 00000000. */
const SEPARATE_ENERGY_DIS = new Set(['00010000', '00010100', '00010200', '00020000']);

/**
 * Which energy DIs a meter serves: all of §4.2, or only the combined 00000000 (as the IVY
 * gateway's meter simulator, which keeps its one total counter there).
 */
export type EnergyDis = 'standard' | 'combined-only';

/** Active energy combination mode word (04000601): forward added, reverse subtracted. */
const NET_MODE_WORD = 0x09;
/** Forward added alone: 00000000 is the import counter. */
const IMPORT_MODE_WORD = 0x01;
const MODE_WORD_DI = '04000601';

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
  /** Default standard. */
  energyDis?: EnergyDis;
  /**
   * Answered at 04000601 and applied to 00000000 (bit 0 + forward, 1 − forward, 2 + reverse,
   * 3 − reverse). Without it 04000601 is "no requested data" and 00000000 counts forward
   * − reverse on a standard meter, forward alone on a combined-only one.
   */
  modeWord?: number;
}

export class SimMeter {
  readonly address: string;
  readonly household: Household;
  private readonly wakeUp: number;
  private readonly readAddressOn: ReadAddressOn;
  private readonly energyDis: EnergyDis;
  private readonly modeWord: number | undefined;
  /** Answer every read with this error word instead of data (fault injection). */
  errorWord: number | undefined;
  reads = 0;

  constructor(opts: SimMeterOptions) {
    this.address = opts.address;
    this.household = opts.household;
    this.wakeUp = opts.wakeUp ?? 0;
    this.readAddressOn = opts.readAddressOn ?? 'wildcard';
    this.energyDis = opts.energyDis ?? 'standard';
    this.modeWord = opts.modeWord;
  }

  /** 00000000: the counters the mode word names, added or subtracted. */
  combinedEnergy(): number {
    const mode = this.modeWord ?? (this.energyDis === 'combined-only' ? IMPORT_MODE_WORD : NET_MODE_WORD);
    const h = this.household;
    const term = (bit: number, kwh: number) => ((mode & bit) !== 0 ? kwh : 0);
    return term(0x01, h.importKwh) - term(0x02, h.importKwh) + term(0x04, h.exportKwh) - term(0x08, h.exportKwh);
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

  /** An unsolicited energy reply, as when the DTU polls the meter itself after connecting. */
  announce(ms = Date.now()): Buffer {
    return this.readData(this.energyDis === 'combined-only' ? '00000000' : '00010000', ms);
  }

  private readData(di: string, ms: number): Buffer {
    if (di === MODE_WORD_DI && this.modeWord !== undefined)
      return meterFrame(this.address, 0x91, [...diToWire(di), this.modeWord], this.wakeUp);
    const spec = DIS[di];
    const h = this.household;
    if (!spec || (spec.phase !== undefined && spec.phase >= h.phases.length)) return this.error(0x11, 0x02);
    if (this.energyDis === 'combined-only' && SEPARATE_ENERGY_DIS.has(di)) return this.error(0x11, 0x02);
    h.advance(ms);
    const registerValue = (id: string) => {
      const member = DIS[id];
      if (id === '00000000') return h.overrides.get(id) ?? this.combinedEnergy();
      return h.overrides.get(id) ?? (member && 'value' in member ? member.value(h, ms) : 0);
    };
    const values = 'members' in spec ? spec.members.map(registerValue) : [registerValue(di)];
    const bcd = values.flatMap((v) => toBcd(v, spec.bytes, spec.decimals, spec.signed));
    return meterFrame(this.address, 0x91, [...diToWire(di), ...bcd], this.wakeUp);
  }

  private error(func: number, word: number): Buffer {
    return meterFrame(this.address, 0xc0 | func, [word], this.wakeUp);
  }
}
