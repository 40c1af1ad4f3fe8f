/** Idle footprint: the bridge with one simulated device of every kind, for a minute. */
import { readFileSync } from 'node:fs';
import { startHarness } from './harness.ts';

function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(stat[11]) + Number(stat[12]);
}

export async function bench(seconds = Number(process.env.WATTWIRE_IDLE_SECONDS ?? 60)): Promise<Record<string, unknown>[]> {
  const h = await startHarness();
  try {
    await new Promise((r) => setTimeout(r, 10_000));
    const pid = h.child.pid as number;
    const t0 = cpuTicks(pid);
    const rss: number[] = [];
    for (let i = 0; i < seconds; i++) {
      await new Promise((r) => setTimeout(r, 1000));
      rss.push(h.rssMb());
    }
    const cpuPct = ((cpuTicks(pid) - t0) / 100 / seconds) * 100;
    return [
      {
        figure: 'idle_footprint_one_device_each_kind',
        kinds: h.sims.map((s) => s.kind),
        seconds,
        rss_mb_mean: Number((rss.reduce((a, b) => a + b, 0) / rss.length).toFixed(1)),
        rss_mb_max: Number(Math.max(...rss).toFixed(1)),
        cpu_pct: Number(cpuPct.toFixed(2)),
        ...(h.startErrors.length ? { not_started: h.startErrors } : {}),
      },
    ];
  } finally {
    await h.stop();
  }
}
