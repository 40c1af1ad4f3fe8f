import { Writable } from 'node:stream';
import { WattwireApp } from '../../server/app.ts';
import { createLogger } from '../../server/core/logger.ts';
import type { Options } from '../../server/options/schema.ts';
import { freePort } from './ports.ts';

/** A started bridge on its embedded broker (free port), without the web server and with
 * its log discarded: the simulators' chaos faults would otherwise flood the test output. */
export async function startQuietApp(options: Options, dataDir: string): Promise<WattwireApp> {
  const app = new WattwireApp({
    options,
    env: { dataDir, httpPort: 0, mqttPort: await freePort(), mqttWsPort: 0 },
    log: createLogger('error', new Writable({ write: (_c, _e, cb) => cb() })),
    web: false,
  });
  await app.start();
  return app;
}
