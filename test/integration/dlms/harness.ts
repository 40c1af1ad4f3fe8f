/** Builds a DLMS driver on a real hub with a log that the tests can read. */
import { Writable } from 'node:stream';
import { Hub, type DeviceRecord } from '../../../server/core/hub.ts';
import { createLogger } from '../../../server/core/logger.ts';
import { createDlmsDriver } from '../../../server/drivers/dlms/driver.ts';
import type { Driver } from '../../../server/drivers/types.ts';
import { optionsSchema } from '../../../server/options/schema.ts';
import { waitFor } from '../../support/ports.ts';

export interface Harness {
  hub: Hub;
  driver: Driver;
  logLines: () => Record<string, unknown>[];
  configErrors: string[];
}

export async function startDriver(options: Record<string, unknown>): Promise<Harness> {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      cb();
    },
  });
  const hub = new Hub();
  const configErrors: string[] = [];
  const driver = createDlmsDriver({
    hub,
    log: createLogger('debug', sink),
    options: optionsSchema.parse(options),
    dataDir: '/tmp',
    reportConfigError: (_where, message) => configErrors.push(message),
  });
  await driver.start();
  return { hub, driver, configErrors, logLines: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

/** Wait until device `id` exists and `pred` holds for it; returns its record. */
export async function deviceWhen(
  h: Harness,
  id: string,
  pred: (d: DeviceRecord) => boolean,
  what: string,
  timeoutMs?: number,
): Promise<DeviceRecord> {
  return waitFor(
    () => {
      const d = h.hub.get(id);
      return d && pred(d) ? d : undefined;
    },
    { what, timeoutMs },
  );
}
