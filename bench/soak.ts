/**
 * `npm run soak [-- --minutes 30]`: every simulator and the bridge at ten times the normal
 * polling speed; RSS and event-loop delay sampled each minute. RSS growing by more than
 * 10% from minute 5 to the end is a failure, printed with the sampled series.
 */
import { parseArgs } from 'node:util';
import type { Options } from '../server/options/schema.ts';
import { startHarness } from './harness.ts';

const { values } = parseArgs({ options: { minutes: { type: 'string', default: '30' } } });
const minutes = Number(values.minutes);

/** Ten times the polling rate, within what each driver accepts. */
function tenTimesFaster(o: Options): void {
  o.dlt645.poll_interval = Math.max(5, Math.round(o.dlt645.poll_interval / 10));
  for (const list of [o.kostal, o.itron_meters, o.xtender, o.dlms_meters] as { poll_interval?: number }[][]) {
    for (const item of list) if (typeof item.poll_interval === 'number') item.poll_interval = Math.max(1, Math.round(item.poll_interval / 10));
  }
}

const h = await startHarness(tenTimesFaster);
console.log(`soak: ${minutes} min with ${h.sims.map((s) => s.kind).join(', ')}${h.startErrors.length ? `; not started: ${h.startErrors.join('; ')}` : ''}`);
const series: { minute: number; rssMb: number; eventLoopDelayP99Ms: number | null }[] = [];
for (let minute = 1; minute <= minutes && h.exitCode() === null; minute++) {
  await new Promise((r) => setTimeout(r, 60_000));
  let delay: number | null = null;
  try {
    const stats = (await (await fetch(`http://127.0.0.1:${h.httpPort}/api/stats`)).json()) as { process?: { eventLoopDelayP99Ms: number } };
    delay = stats.process?.eventLoopDelayP99Ms ?? null;
  } catch {
    delay = null;
  }
  const sample = { minute, rssMb: Number(h.rssMb().toFixed(1)), eventLoopDelayP99Ms: delay };
  series.push(sample);
  console.log(JSON.stringify(sample));
}
const exited = h.exitCode();
await h.stop();
const from = series.find((s) => s.minute === Math.min(5, series.length));
const last = series.at(-1);
const growth = from && last ? (last.rssMb - from.rssMb) / from.rssMb : 0;
console.log(JSON.stringify({ figure: 'soak_rss_growth_from_minute_5', value: Number((growth * 100).toFixed(1)), unit: '%', minutes: series.length }));
if (exited !== null || growth > 0.1) {
  console.log(exited !== null ? `FAILED: the bridge exited with ${exited}` : `FAILED: RSS grew ${(growth * 100).toFixed(1)}% from minute 5`);
  console.log(JSON.stringify(series));
  process.exitCode = 1;
} else {
  console.log('passed');
}
process.exit();
