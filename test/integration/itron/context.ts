import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Hub } from '../../../server/core/hub.ts';
import { createLogger } from '../../../server/core/logger.ts';
import type { DriverContext } from '../../../server/drivers/types.ts';
import { optionsSchema } from '../../../server/options/schema.ts';

/** A driver context around a fresh hub and a temporary data directory. */
export async function testContext(meters: unknown[] = []): Promise<DriverContext & { errors: string[]; cleanup(): Promise<void> }> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'wattwire-itron-'));
  const errors: string[] = [];
  return {
    hub: new Hub(),
    log: createLogger('silent'),
    options: optionsSchema.parse({ itron_meters: meters }),
    dataDir,
    errors,
    reportConfigError: (where, message) => errors.push(`${where}: ${message}`),
    cleanup: () => rm(dataDir, { recursive: true, force: true }),
  };
}
