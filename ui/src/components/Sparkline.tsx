import { sparklinePath, type Point } from '../sparkline.ts';
import { HISTORY_MS } from '../liveState.ts';

const W = 96;
const H = 24;

/**
 * One value over the last hour as a line; until an hour of readings has been seen, the
 * line spans what has been seen so far.
 */
export function Sparkline({ points, now, label }: { points: readonly Point[]; now: number; label: string }) {
  const from = Math.max(now - HISTORY_MS, Math.min(points[0]?.[0] ?? now, now - 60_000));
  const d = sparklinePath(points, W, H, from, now);
  return (
    <svg class="spark" viewBox={`0 0 ${W} ${H}`} width={W} height={H} role="img" aria-label={`${label}, last hour`}>
      {d && <path d={d} />}
    </svg>
  );
}
