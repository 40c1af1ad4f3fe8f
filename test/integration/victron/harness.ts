/** A GX simulator and the Victron driver around a fresh hub, with keep-alive times scaled down. */
import { Hub } from '../../../server/core/hub.ts';
import { createLogger } from '../../../server/core/logger.ts';
import { createVictronDriver } from '../../../server/drivers/victron/driver.ts';
import type { VictronTiming } from '../../../server/drivers/victron/session.ts';
import type { Driver } from '../../../server/drivers/types.ts';
import { optionsSchema } from '../../../server/options/schema.ts';
import { GxSimulator, type GxSimOptions } from '../../../server/sim/victron/gx.ts';
import { waitFor } from '../../support/ports.ts';

/** The simulated GX times out 2 s after the last keep-alive (60 s on a real one). */
export const SIM_TIMING: GxSimOptions = { keepaliveTimeoutMs: 2000, heartbeatMs: 200, changeMs: 100 };
export const DRIVER_TIMING: Partial<VictronTiming> = {
  keepaliveMs: 600,
  fullRefreshEvery: 3,
  heartbeatTimeoutMs: 1200,
  silenceTimeoutMs: 1500,
  writeTimeoutMs: 1500,
  reconnectMs: 200,
};

export const PORTAL = 'c0619ab12345';
export const GX_ID = `victron_${PORTAL}`;

export interface Rig {
  sim: GxSimulator;
  hub: Hub;
  driver: Driver;
  errors: string[];
  diag(): Record<string, any>;
  /** Wait until a register of a device holds a value that `pred` accepts. */
  until(id: string, key: string, pred?: (v: unknown) => boolean, timeoutMs?: number): Promise<unknown>;
  stop(): Promise<void>;
}

export async function startRig(sim: GxSimOptions, system: Record<string, unknown> = {}): Promise<Rig> {
  const gx = await GxSimulator.start({ ...SIM_TIMING, ...sim });
  const hub = new Hub();
  const errors: string[] = [];
  const driver = createVictronDriver(
    {
      hub,
      log: createLogger('silent'),
      options: optionsSchema.parse({ victron: [{ host: '127.0.0.1', port: gx.port, ...system }] }),
      dataDir: '/tmp',
      reportConfigError: (where, message) => errors.push(`${where}: ${message}`),
    },
    DRIVER_TIMING,
  );
  await driver.start();
  return {
    sim: gx,
    hub,
    driver,
    errors,
    diag: () => (driver.diagnostics!() as { systems: Record<string, any>[] }).systems[0]!,
    until: (id, key, pred = (v) => v !== undefined, timeoutMs = 10_000) =>
      waitFor(
        () => {
          const rec = hub.get(id);
          return rec && key in rec.state && pred(rec.state[key]) ? { v: rec.state[key] } : undefined;
        },
        { timeoutMs, what: `${id}.${key}` },
      ).then((x) => x.v),
    async stop() {
      await driver.stop();
      await gx.stop();
    },
  };
}
