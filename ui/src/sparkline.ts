/** A series point: time in ms, numeric value. */
export type Point = readonly [number, number];

/**
 * SVG path of a series over the window [from, to] in a width×height box (y grows down).
 * A flat series is drawn across the middle; a single point as a short dash.
 */
export function sparklinePath(points: readonly Point[], width: number, height: number, from: number, to: number): string {
  const visible = points.filter(([t, v]) => t >= from && t <= to && Number.isFinite(v));
  if (visible.length === 0 || to <= from) return '';
  let min = Infinity;
  let max = -Infinity;
  for (const [, v] of visible) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const pad = 1;
  const x = (t: number) => round(((t - from) / (to - from)) * width);
  const y = (v: number) => (max === min ? round(height / 2) : round(pad + (1 - (v - min) / (max - min)) * (height - 2 * pad)));
  if (visible.length === 1) {
    const [t, v] = visible[0]!;
    const x1 = x(t);
    return `M${round(Math.max(0, x1 - 2))},${y(v)}L${x1},${y(v)}`;
  }
  return visible.map(([t, v], i) => `${i === 0 ? 'M' : 'L'}${x(t)},${y(v)}`).join('');
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
