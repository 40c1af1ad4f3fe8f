import { useState } from 'preact/hooks';
import { bandPath, type Frame, linePath, nearestIndex, niceTicks, scales, tickDecimals } from '../chartGeometry.ts';
import { formatValue } from '../format.ts';
import type { HistoryView } from '../types.ts';

const FRAME: Frame = { width: 360, height: 170, left: 50, right: 10, top: 22, bottom: 22 };
const DAY_MS = 24 * 3600_000;
/** More than this many buckets' time without one breaks the line rather than bridging the gap. */
const GAP_BUCKETS = 3;

/** A day of one value: the line of each bucket's last value over its min..max band, with hover values. */
export function HistoryChart({ name, history, now }: { name: string; history: HistoryView; now: number }) {
  const [hover, setHover] = useState(-1);
  const { t, min, max, last } = history;
  const unit = history.unit ?? '';
  const gapMs = GAP_BUCKETS * history.bucketMs;
  const from = now - DAY_MS;
  const lo = t.length ? Math.min(...min) : 0;
  const hi = t.length ? Math.max(...max) : 1;
  const yTicks = niceTicks(lo, hi);
  const yLo = yTicks[0] ?? lo;
  const yHi = yTicks.at(-1) ?? hi;
  const s = scales(FRAME, from, now, yLo, yHi);
  const decimals = tickDecimals(yTicks);
  const xTicks = [0, 6, 12, 18, 24].map((h) => from + h * 3600_000);
  const plotRight = FRAME.width - FRAME.right;
  const onMove = (e: PointerEvent) => {
    const svg = e.currentTarget as SVGSVGElement;
    const box = svg.getBoundingClientRect();
    const x = ((e.clientX - box.left) / box.width) * FRAME.width;
    const time = from + ((x - FRAME.left) / (plotRight - FRAME.left)) * (now - from);
    setHover(nearestIndex(t, time));
  };
  const at = hover >= 0 && hover < t.length ? hover : -1;
  return (
    <figure class="history">
      <figcaption>{name}</figcaption>
      <svg
        viewBox={`0 0 ${FRAME.width} ${FRAME.height}`}
        role="img"
        aria-label={`${name} over the last 24 hours${unit ? `, in ${unit}` : ''}`}
        onPointerMove={onMove}
        onPointerLeave={() => setHover(-1)}
      >
        <text class="axis-unit" x={4} y={12}>
          {unit}
        </text>
        {yTicks.map((v) => (
          <g key={v} class="tick">
            <line x1={FRAME.left} x2={plotRight} y1={s.y(v)} y2={s.y(v)} />
            <text x={FRAME.left - 4} y={s.y(v) + 4} text-anchor="end">
              {v.toFixed(decimals)}
            </text>
          </g>
        ))}
        {xTicks.map((x, i) => (
          <text key={x} class="tick" x={s.x(x)} y={FRAME.height - 6} text-anchor={i === xTicks.length - 1 ? 'end' : 'middle'}>
            {clock(x)}
          </text>
        ))}
        <path class="band" d={bandPath(t, min, max, s, gapMs)} />
        <path class="line" d={linePath(t, last, s, gapMs)} />
        {/* The latest bucket as a dot: a value seen in one bucket only is a point, not a line. */}
        {t.length > 0 && <circle class="latest" cx={s.x(t[t.length - 1]!)} cy={s.y(last[last.length - 1]!)} r={2.5} />}
        {at >= 0 && (
          <g class="hover">
            <line x1={s.x(t[at]!)} x2={s.x(t[at]!)} y1={FRAME.top} y2={FRAME.height - FRAME.bottom} />
            <circle cx={s.x(t[at]!)} cy={s.y(last[at]!)} r={3} />
            <text x={plotRight} y={12} text-anchor="end">
              {new Date(t[at]!).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })} ·{' '}
              {formatValue(last[at]!, history.precision)} {unit}
            </text>
          </g>
        )}
      </svg>
      {t.length === 0 && <p class="muted small">No readings kept yet.</p>}
    </figure>
  );
}

function clock(t: number): string {
  return new Date(t).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
}
