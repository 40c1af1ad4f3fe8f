/**
 * The 2030.5 driver reads the stored client certificate with node:crypto: the X.509 library
 * (with reflect-metadata and tsyringe) loads only when a certificate is generated, and the
 * mDNS library only when a meter is looked for on the network.
 */
import { describe, expect, it } from 'vitest';
import { heavyModulesLoadedBy } from '../../support/heavyModules.ts';

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
