/** The demo simulator on its own socat PTY, configured into the options the bridge gets. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Hub } from '../../../server/core/hub.ts';
import { createLogger } from '../../../server/core/logger.ts';
import { createXtenderDriver } from '../../../server/drivers/xtender/driver.ts';
import { optionsSchema } from '../../../server/options/schema.ts';
import { startDemoSim } from '../../../server/sim/xtender/demo.ts';
import { waitFor } from '../../support/ports.ts';

describe('xtender demo simulator', () => {
  it('adds a link whose devices come online, with writes allowed', async () => {
    const demo = await startDemoSim();
    const options = optionsSchema.parse({});
    demo.configure(options);
    expect(options.xtender).toHaveLength(1);
    const hub = new Hub();
    const dataDir = mkdtempSync(path.join(tmpdir(), 'xtender-demo-'));
    const driver = createXtenderDriver({
      hub,
      log: createLogger('silent'),
      options,
      dataDir,
      reportConfigError: (w, m) => {
        throw new Error(`${w}: ${m}`);
      },
    });
    try {
      await driver.start();
      await waitFor(() => hub.list().filter((d) => d.status.availability === 'online').length === 6, {
        what: 'six devices online',
        timeoutMs: 20_000,
      });
      expect(
        hub
          .list()
          .filter((d) => d.info.model === 'XTH')
          .every((d) => d.info.allowWrites),
      ).toBe(true);
    } finally {
      await driver.stop();
      await demo.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
