/** `npm run chaos [-- --minutes N --seed S]`: the full chaos run, with its summary table. */
import { parseArgs } from 'node:util';
import { runChaos } from './chaosRun.ts';

const { values } = parseArgs({ options: { minutes: { type: 'string', default: '10' }, seed: { type: 'string' } } });
const seed = values.seed ? Number(values.seed) : Date.now() % 1_000_000;
console.log(`chaos run: ${values.minutes} min, seed ${seed}`);
const result = await runChaos({ durationMs: Number(values.minutes) * 60_000, seed, log: (l) => console.log(`  ${l}`) });
console.log(result.table);
console.log(
  `bridge RSS: first ${result.rssMb.first.toFixed(0)} MB, max ${result.rssMb.max.toFixed(0)} MB, last ${result.rssMb.last.toFixed(0)} MB`,
);
if (result.failures.length > 0) {
  console.log(`FAILED (${result.failures.length}):`);
  for (const f of result.failures) console.log(`  - ${f}`);
  process.exitCode = 1;
} else {
  console.log(
    'passed: the process never exited, availability and counters match the simulators, no counter went backwards, memory bounded',
  );
}
process.exit();
