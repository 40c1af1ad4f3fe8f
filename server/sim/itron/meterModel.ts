/**
 * The live quantities behind the crawl: household demand that wanders, solar export at
 * midday, and registers that integrate them, starting from the values the real meter had.
 */
export interface MeterState {
  /** W; positive = importing (delivered), negative = exporting (received). */
  netPowerW: number;
  deliveredWh: number;
  receivedWh: number;
  vahDelivered: number;
  vahReceived: number;
  varhDelivered: number;
  varhReceived: number;
  maxDemandDeliveredW: number;
  maxDemandReceivedW: number;
  /** Power factor × 1000, as the meter sends it (multiplier −3). */
  powerFactorMilli: number;
  /** Unix seconds of the last update. */
  time: number;
}

export function initialState(nowMs: number): MeterState {
  // Values of the real fw 3.2.50 crawl (protocols/ieee2030-5.md §6.1).
  return {
    netPowerW: 982,
    deliveredWh: 5_839_187,
    receivedWh: 962_157,
    vahDelivered: 6_478_675,
    vahReceived: 1_195_463,
    varhDelivered: 555_792,
    varhReceived: 1_018_153,
    maxDemandDeliveredW: 5940,
    maxDemandReceivedW: 0,
    powerFactorMilli: 858,
    time: Math.floor(nowMs / 1000),
  };
}

/** Advance to `nowMs`; integrates energy over the elapsed time. */
export function advance(s: MeterState, nowMs: number, random: () => number = Math.random): void {
  const now = Math.floor(nowMs / 1000);
  const dt = now - s.time;
  if (dt <= 0) return;
  const hour = new Date(nowMs).getUTCHours() + new Date(nowMs).getUTCMinutes() / 60;
  const solar = Math.max(0, Math.sin(((hour - 6) / 12) * Math.PI)) * 3500;
  const load = 600 + 900 * random();
  s.netPowerW = Math.round(load - solar);
  const wh = (Math.abs(s.netPowerW) * dt) / 3600;
  const pf = 0.8 + 0.15 * random();
  if (s.netPowerW >= 0) {
    s.deliveredWh += wh;
    s.vahDelivered += wh / pf;
    s.varhDelivered += (wh / pf) * Math.sqrt(1 - pf * pf);
    s.maxDemandDeliveredW = Math.max(s.maxDemandDeliveredW, s.netPowerW);
  } else {
    s.receivedWh += wh;
    s.vahReceived += wh / pf;
    s.varhReceived += (wh / pf) * Math.sqrt(1 - pf * pf);
    s.maxDemandReceivedW = Math.max(s.maxDemandReceivedW, -s.netPowerW);
  }
  s.powerFactorMilli = Math.round(pf * 1000);
  s.time = now;
}
