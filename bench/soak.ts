/**
 * `npm run soak [-- --minutes 30]`: every simulator and the bridge at ten times the normal
 * polling speed; RSS and event-loop delay sampled each minute. RSS growing by more than
 * 10% from minute 5 to the end is a failure, printed with the sampled series.
 */
import { parseArgs } from 'node:util';
import type * as z from 'zod';
import { DRIVER_DEFINITIONS } from '../server/drivers/registry.ts';
import type { Options } from '../server/options/schema.ts';
import { startHarness } from './harness.ts';

const { values } = parseArgs({ options: { minutes: { type: 'string', default: '30' } } });
const minutes = Number(values.minutes);

/** The `…poll_interval` fields of one options object, ten times faster within what its schema accepts. */
function pollTenTimesFaster(entry: Record<string, unknown>, schema: z.ZodObject): void {
  for (const [key, field] of Object.entries(schema.shape)) {
    if (!key.endsWith('poll_interval')) continue;
    const now = typeof entry[key] === 'number' ? entry[key] : (field.parse(undefined) as number);
    const least = (field as z.ZodType & { unwrap?: () => { minValue?: number | null } }).unwrap?.().minValue ?? 1;
    entry[key] = Math.max(least, Math.round(now / 10));
  }
}

/** Ten times the demo's polling rate, within what each driver accepts (a Kostal inverter: every 5 s at most). */
function tenTimesFaster(o: Options): void {
  const sections = o as unknown as Record<string, unknown>;
  for (const { devices, settings } of DRIVER_DEFINITIONS) {
    if (settings) pollTenTimesFaster(sections[settings.key] as Record<string, unknown>, settings.schema);
    for (const item of sections[devices.key] as Record<string, unknown>[]) pollTenTimesFaster(item, devices.item);
  }
}

const h = await startHarness(tenTimesFaster);
console.log(
  `soak: ${minutes} min with ${h.sims.map((s) => s.kind).join(', ')}${h.startErrors.length ? `; not started: ${h.startErrors.join('; ')}` : ''}`,
);
type Heap = { heapUsedMb: number; heapTotalMb: number; externalMb: number };
const series: ({
  minute: number;
  rssMb: number;
  eventLoopDelayP99Ms: number | null;
  devices: number;
  devicesOnline: number;
} & Partial<Heap>)[] = [];
for (let minute = 1; minute <= minutes && h.exitCode() === null; minute++) {
  await new Promise((r) => setTimeout(r, 60_000));
  let delay: number | null = null;
  // The JS heap beside RSS tells a leak in our objects from V8 sizing its young generation
  // (heapTotal) or the allocator keeping pages (RSS beyond heapTotal and external).
  let heap: Partial<Heap> = {};
  let devices: { availability: string }[] = [];
  try {
    const base = `http://127.0.0.1:${h.httpPort}`;
    const stats = (await (await fetch(`${base}/api/stats`)).json()) as { process?: { eventLoopDelayP99Ms: number } & Heap };
    delay = stats.process?.eventLoopDelayP99Ms ?? null;
    if (stats.process)
      heap = { heapUsedMb: stats.process.heapUsedMb, heapTotalMb: stats.process.heapTotalMb, externalMb: stats.process.externalMb };
    devices = (await (await fetch(`${base}/api/devices`)).json()) as { availability: string }[];
  } catch {
    delay = null;
  }
  const sample = {
    minute,
    rssMb: Number(h.rssMb().toFixed(1)),
    ...heap,
    eventLoopDelayP99Ms: delay,
    devices: devices.length,
    devicesOnline: devices.filter((d) => d.availability === 'online' || d.availability === 'asleep').length,
  };
  series.push(sample);
  console.log(JSON.stringify(sample));
}
const exited = h.exitCode();
const problems = h.watch.problems();
await h.stop();
const from = series.find((s) => s.minute === Math.min(5, series.length));
const last = series.at(-1);
const growth = from && last ? (last.rssMb - from.rssMb) / from.rssMb : 0;
console.log(
  JSON.stringify({ figure: 'soak_rss_growth_from_minute_5', value: Number((growth * 100).toFixed(1)), unit: '%', minutes: series.length }),
);
if (exited !== null || problems.length > 0 || growth > 0.1) {
  if (exited !== null) console.log(`FAILED: the bridge exited with ${exited}`);
  for (const p of problems) console.log(`FAILED: ${p}`);
  if (growth > 0.1) console.log(`FAILED: RSS grew ${(growth * 100).toFixed(1)}% from minute 5`);
  console.log(JSON.stringify(series));
  process.exitCode = 1;
} else {
  console.log('passed');
}
process.exit();
