/** Scales, ticks and paths of a history chart, apart from the drawing so they can be tested. */

/** About `count` round tick values covering [min, max] (1, 2 or 5 times a power of ten apart). */
export function niceTicks(min: number, max: number, count = 4): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (min === max) {
    const pad = Math.abs(min) > 0 ? Math.abs(min) * 0.1 : 1;
    return niceTicks(min - pad, max + pad, count);
  }
  const raw = (max - min) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const first = Math.floor(min / step) * step;
  const ticks: number[] = [];
  for (let v = first; v < max + step * 0.999 && ticks.length < 20; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

/** Digits a tick label needs so neighbouring ticks differ. */
export function tickDecimals(ticks: readonly number[]): number {
  if (ticks.length < 2) return 0;
  const step = Math.abs(ticks[1]! - ticks[0]!);
  return Math.max(0, Math.min(6, -Math.floor(Math.log10(step))));
}

export interface Frame {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export interface Scale {
  x: (t: number) => number;
  y: (v: number) => number;
}

export function scales(frame: Frame, from: number, to: number, lo: number, hi: number): Scale {
  const w = frame.width - frame.left - frame.right;
  const h = frame.height - frame.top - frame.bottom;
  return {
    x: (t) => round(frame.left + ((t - from) / (to - from || 1)) * w),
    y: (v) => round(frame.top + (1 - (v - lo) / (hi - lo || 1)) * h),
  };
}

/** A line through the points; a gap of more than `gapMs` between two points breaks it. */
export function linePath(t: readonly number[], v: readonly number[], s: Scale, gapMs: number): string {
  let d = '';
  for (let i = 0; i < t.length; i++) {
    const move = i === 0 || t[i]! - t[i - 1]! > gapMs;
    d += `${move ? 'M' : 'L'}${s.x(t[i]!)},${s.y(v[i]!)}`;
  }
  return d;
}

/** The min..max band as closed shapes, one per unbroken run of points. */
export function bandPath(t: readonly number[], min: readonly number[], max: readonly number[], s: Scale, gapMs: number): string {
  let d = '';
  let start = 0;
  for (let i = 1; i <= t.length; i++) {
    if (i < t.length && t[i]! - t[i - 1]! <= gapMs) continue;
    let run = '';
    for (let j = start; j < i; j++) run += `${j === start ? 'M' : 'L'}${s.x(t[j]!)},${s.y(max[j]!)}`;
    for (let j = i - 1; j >= start; j--) run += `L${s.x(t[j]!)},${s.y(min[j]!)}`;
    d += `${run}Z`;
    start = i;
  }
  return t.length === 0 ? '' : d;
}

/** Index of the point nearest in time to `t` (points sorted by time), or -1 when there are none. */
export function nearestIndex(times: readonly number[], t: number): number {
  if (times.length === 0) return -1;
  let lo = 0;
  let hi = times.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 && t - times[lo - 1]! < times[lo]! - t ? lo - 1 : lo;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
