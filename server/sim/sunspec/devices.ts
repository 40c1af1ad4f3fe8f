/**
 * The simulated SunSpec devices, as values by model: a PLENTICORE-like three-phase inverter
 * (models 1, 103, 120, 123, 124, 160 with two MPPT strings, 713) and a three-phase meter
 * (models 1, 203). Their register image is encoded from the model JSON each time it is read,
 * so the simulator and the driver share the definitions but not the code that lays them out.
 */
import { encodeModel, type BlockValues } from '../../protocols/sunspec/block.ts';
import { MARKER, END_ID } from '../../protocols/sunspec/chain.ts';
import { modelDef } from '../../protocols/sunspec/definitions.ts';
import type { RawValue } from '../../protocols/sunspec/points.ts';
import { type SunPhase, sunFactor } from '../daylight.ts';

export interface SimModel {
  id: number;
  block: BlockValues;
}

export interface SimDevice {
  unitId: number;
  /** Goes silent at night (an inverter powered from its panels). */
  sleeps: boolean;
  models: SimModel[];
  /** Moves the values to this hour; `hours` of simulated time passed since the last call. */
  advance(hour: number, hours: number, phase: SunPhase): void;
}

function common(manufacturer: string, model: string, serial: string, version: string, unitId: number): SimModel {
  return { id: 1, block: { values: { Mn: manufacturer, Md: model, Opt: 'sim', Vr: version, SN: serial, DA: unitId } } };
}

const PEAK_W = 10_000;
/** Operating states (model 103 `St`). */
const ST: Record<'OFF' | 'SLEEPING' | 'STARTING' | 'MPPT' | 'STANDBY', number> = { OFF: 1, SLEEPING: 2, STARTING: 3, MPPT: 4, STANDBY: 8 };

export function plenticore(unitId: number, serial: string, energyWh = 12_345_000): SimDevice {
  const inverter: Record<string, RawValue> = {
    A_SF: -2,
    V_SF: -1,
    W_SF: 0,
    Hz_SF: -2,
    VA_SF: 0,
    VAr_SF: 0,
    PF_SF: -1,
    WH_SF: 0,
    DCA_SF: -2,
    DCV_SF: -1,
    DCW_SF: 0,
    Tmp_SF: -1,
  };
  const mppt: Record<string, RawValue> = { DCA_SF: -2, DCV_SF: -1, DCW_SF: 0, DCWH_SF: 0, TmsPer: 0 };
  const controls: Record<string, RawValue> = {
    WMaxLimPct_SF: 0,
    OutPFSet_SF: -3,
    VArPct_SF: 0,
    Conn: 1,
    WMaxLimPct: 100,
    WMaxLim_Ena: 0,
    OutPFSet: 1,
    OutPFSet_Ena: 0,
    Conn_WinTms: 0,
    Conn_RvrtTms: 0,
  };
  const storage: Record<string, RawValue> = {
    WChaMax_SF: 0,
    WChaDisChaGra_SF: 0,
    VAChaMax_SF: 0,
    MinRsvPct_SF: 0,
    ChaState_SF: -1,
    StorAval_SF: -1,
    InBatV_SF: -1,
    InOutWRte_SF: 0,
    WChaMax: 5600,
    WChaGra: 100,
    WDisChaGra: 100,
    StorCtl_Mod: 0,
    MinRsvPct: 10,
    ChaState: 50,
    StorAval: 40,
    InBatV: 400,
    ChaSt: 3,
    OutWRte: 100,
    InWRte: 100,
    ChaGriSet: 0,
  };
  const nameplate: Record<string, RawValue> = {
    DERTyp: 4,
    WRtg: 10_000,
    WRtg_SF: 0,
    VARtg: 10_000,
    VARtg_SF: 0,
    ARtg: 16,
    ARtg_SF: 0,
    WHRtg: 11_200,
    WHRtg_SF: 0,
  };
  const storageCapacity: Record<string, RawValue> = { WH_SF: 0, Pct_SF: 0, WHRtg: 11_200, WHAvail: 5600, SoC: 50, SoH: 98, Sta: 0 };
  const strings = [1, 2].map((n) => ({
    ID: n,
    IDStr: `DC${n}`,
    DCA: 0,
    DCV: 0,
    DCW: 0,
    DCWH: energyWh / 2,
    Tms: 0,
    Tmp: 35,
    DCSt: ST.SLEEPING,
  }));
  let energy = energyWh;
  const models: SimModel[] = [
    common('KOSTAL', 'PLENTICORE plus 10', serial, '01.24.09', unitId),
    { id: 103, block: { values: inverter } },
    { id: 120, block: { values: nameplate } },
    { id: 123, block: { values: controls } },
    { id: 124, block: { values: storage } },
    { id: 160, block: { values: mppt, counts: { module: 2 } } },
    { id: 713, block: { values: storageCapacity } },
  ];
  const syncStrings = () => {
    for (const [i, s] of strings.entries()) for (const [k, v] of Object.entries(s)) mppt[`module[${i + 1}].${k}`] = v;
  };
  syncStrings();
  return {
    unitId,
    sleeps: true,
    models,
    advance(hour, hours, phase) {
      const limit = (controls.WMaxLim_Ena === 1 ? Number(controls.WMaxLimPct) : 100) / 100;
      const power = phase === 'feeding' ? Math.round(PEAK_W * sunFactor(hour) * limit) : 0;
      energy += power * hours;
      const st = phase === 'feeding' ? ST.MPPT : phase === 'idle' ? ST.STARTING : phase === 'off' ? ST.SLEEPING : ST.OFF;
      const v = 230 + Math.sin(hour) * 2;
      Object.assign(inverter, {
        W: power,
        VA: power,
        VAr: 0,
        PF: power > 0 ? 100 : null,
        Hz: 50 + Math.sin(hour * 7) * 0.02,
        A: power / v,
        AphA: power / v / 3,
        AphB: power / v / 3,
        AphC: power / v / 3,
        PhVphA: v,
        PhVphB: v + 0.5,
        PhVphC: v - 0.5,
        PPVphAB: v * Math.sqrt(3),
        PPVphBC: v * Math.sqrt(3),
        PPVphCA: v * Math.sqrt(3),
        WH: Math.floor(energy),
        DCW: Math.round(power * 1.03),
        DCV: phase === 'feeding' ? 620 : 0,
        DCA: phase === 'feeding' ? (power * 1.03) / 620 : 0,
        TmpCab: 30 + (power / PEAK_W) * 15,
        St: st,
      });
      for (const [i, s] of strings.entries()) {
        const share = i === 0 ? 0.6 : 0.4;
        s.DCW = Math.round(power * 1.03 * share);
        s.DCV = phase === 'feeding' ? 600 + i * 40 : 0;
        s.DCA = s.DCV > 0 ? s.DCW / s.DCV : 0;
        s.DCWH += power * 1.03 * share * hours;
        s.DCSt = phase === 'feeding' ? ST.MPPT : ST.SLEEPING;
      }
      syncStrings();
      const soc = 50 + 40 * Math.sin((Math.PI * (hour - 6)) / 24);
      storage.ChaState = soc;
      storageCapacity.SoC = Math.round(soc);
      storageCapacity.WHAvail = Math.round((11_200 * soc) / 100);
      storage.ChaSt = phase === 'feeding' ? 4 : 3;
    },
  };
}

export function meter(unitId: number, serial: string, importWh = 4_321_000): SimDevice {
  const values: Record<string, RawValue> = {
    A_SF: -2,
    V_SF: -1,
    Hz_SF: -2,
    W_SF: 0,
    VA_SF: 0,
    VAR_SF: 0,
    PF_SF: -2,
    TotWh_SF: 0,
    TotVAh_SF: 0,
    TotVArh_SF: 0,
  };
  let imported = importWh;
  let exported = 1_000_000;
  return {
    unitId,
    sleeps: false,
    models: [common('KOSTAL', 'KSEM', serial, '2.3.0', unitId), { id: 203, block: { values } }],
    advance(hour, hours, phase) {
      const house = 600 + 300 * Math.sin(hour);
      const solar = phase === 'feeding' ? PEAK_W * sunFactor(hour) : 0;
      const grid = Math.round(house - solar);
      if (grid > 0) imported += grid * hours;
      else exported += -grid * hours;
      const v = 230;
      Object.assign(values, {
        W: grid,
        WphA: grid / 3,
        WphB: grid / 3,
        WphC: grid / 3,
        A: Math.abs(grid) / v,
        AphA: Math.abs(grid) / v / 3,
        AphB: Math.abs(grid) / v / 3,
        AphC: Math.abs(grid) / v / 3,
        PhV: v,
        PhVphA: v,
        PhVphB: v + 1,
        PhVphC: v - 1,
        Hz: 50,
        TotWhImp: Math.floor(imported),
        TotWhExp: Math.floor(exported),
      });
    },
  };
}

/** The register image from the marker on: `SunS`, every model, the end block. */
export function registerImage(device: SimDevice): number[] {
  const regs: number[] = [...MARKER];
  for (const m of device.models) {
    const def = modelDef(m.id);
    if (!def) throw new Error(`no definition for model ${m.id}`);
    regs.push(...encodeModel(def, m.block));
  }
  regs.push(END_ID, 0);
  return regs;
}
