import { sparklinePath, type Point } from '../sparkline.ts';
import { HISTORY_MS } from '../liveState.ts';

const W = 96;
const H = 24;

/** The last hour of one value as a line; an empty box until two readings have arrived. */
export function Sparkline({ points, now, label }: { points: readonly Point[]; now: number; label: string }) {
  const d = sparklinePath(points, W, H, now - HISTORY_MS, now);
  return (
    <svg class="spark" viewBox={`0 0 ${W} ${H}`} width={W} height={H} role="img" aria-label={`${label}, last hour`}>
      {d && <path d={d} />}
    </svg>
  );
}
