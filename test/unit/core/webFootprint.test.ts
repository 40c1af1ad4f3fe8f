/**
 * The web server and its route modules load no serial, mDNS or X.509 library until a
 * request needs one: an add-on without such devices never pays for them.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

async function heavyModulesLoadedBy(script: string): Promise<string[]> {
  const { stdout } = await run(
    process.execPath,
    ['--import', './test/support/reportHeavyModules.mjs', '--import', 'tsx', '--input-type=module', '-e', script],
    { timeout: 60_000 },
  );
  return [...new Set(stdout.split('\n').filter((l) => l.startsWith('HEAVY ')))].map((l) => l.slice(6)).sort();
}

describe('web footprint', () => {
  it('loads no heavy library when the server and every route module are imported', async () => {
    expect(await heavyModulesLoadedBy("await import('./server/web/server.ts'); await import('./server/web/routes/index.ts');")).toEqual([]);
  });

  it('sees a heavy library when one is loaded (the check works)', async () => {
    expect(await heavyModulesLoadedBy("await import('./server/drivers/xtender/serialPorts.ts');")).toEqual(['serialport']);
  });
});
