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
  /** Time-of-use registers [off-peak, on-peak] (tiers 1 and 2) when the tariff has them, else null. */
  touDeliveredWh: [number, number] | null;
  touReceivedWh: [number, number] | null;
  /** Unix seconds of the last update. */
  time: number;
}

/** On-peak hours of a typical residential TOU tariff (UTC here, for simplicity). */
const ON_PEAK = (hour: number) => hour >= 15 && hour < 19;

export function initialState(nowMs: number, opts: { touTiers?: boolean } = {}): MeterState {
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
    // The crawled customer had no tiered tariff (tiers 1–8 without value); a TOU customer splits the totals.
    touDeliveredWh: opts.touTiers ? [Math.round(5_839_187 * 0.8), Math.round(5_839_187 * 0.2)] : null,
    touReceivedWh: opts.touTiers ? [Math.round(962_157 * 0.9), Math.round(962_157 * 0.1)] : null,
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
  const tier = ON_PEAK(hour) ? 1 : 0;
  if (s.netPowerW >= 0) {
    s.deliveredWh += wh;
    if (s.touDeliveredWh) s.touDeliveredWh[tier] += wh;
    s.vahDelivered += wh / pf;
    s.varhDelivered += (wh / pf) * Math.sqrt(1 - pf * pf);
    s.maxDemandDeliveredW = Math.max(s.maxDemandDeliveredW, s.netPowerW);
  } else {
    s.receivedWh += wh;
    if (s.touReceivedWh) s.touReceivedWh[tier] += wh;
    s.vahReceived += wh / pf;
    s.varhReceived += (wh / pf) * Math.sqrt(1 - pf * pf);
    s.maxDemandReceivedW = Math.max(s.maxDemandReceivedW, -s.netPowerW);
  }
  s.powerFactorMilli = Math.round(pf * 1000);
  s.time = now;
}
