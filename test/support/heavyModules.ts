/**
 * Which heavy libraries a script loads, run in a fresh Node with the reporting hook
 * (`reportHeavyModules.mjs`): footprint tests check that a module pulls in none it does not need.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export async function heavyModulesLoadedBy(script: string): Promise<string[]> {
  const { stdout } = await run(
    process.execPath,
    ['--import', './test/support/reportHeavyModules.mjs', '--import', 'tsx', '--input-type=module', '-e', script],
    { timeout: 60_000 },
  );
  return [...new Set(stdout.split('\n').filter((l) => l.startsWith('HEAVY ')))].map((l) => l.slice(6)).sort();
}
