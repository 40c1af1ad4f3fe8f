/**
 * The web server and its route modules load no serial, mDNS or X.509 library until a
 * request needs one: an add-on without such devices never pays for them.
 */
import { describe, expect, it } from 'vitest';
import { heavyModulesLoadedBy } from '../../support/heavyModules.ts';

describe('web footprint', () => {
  it('loads no heavy library when the server and every route module are imported', async () => {
    expect(await heavyModulesLoadedBy("await import('./server/web/server.ts'); await import('./server/web/routes/index.ts');")).toEqual([]);
  });

  it('sees a heavy library when one is loaded (the check works)', async () => {
    expect(await heavyModulesLoadedBy("await import('./server/drivers/xtender/serialPorts.ts');")).toEqual(['serialport']);
  });
});
