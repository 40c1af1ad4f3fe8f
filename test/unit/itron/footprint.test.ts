/**
 * The 2030.5 driver reads the stored client certificate with node:crypto: the X.509 library
 * (with reflect-metadata and tsyringe) loads only when a certificate is generated, and the
 * mDNS library only when a meter is looked for on the network.
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

describe('2030.5 driver footprint', () => {
  it('loads no X.509 or mDNS library with the driver and the certificate store', async () => {
    expect(
      await heavyModulesLoadedBy("await import('./server/drivers/itron/driver.ts'); await import('./server/certs/store.ts');"),
    ).toEqual([]);
  });

  it('loads it to generate a certificate (the check works)', async () => {
    expect(await heavyModulesLoadedBy("await import('./server/certs/generate.ts');")).toEqual(['@peculiar']);
  });
});
