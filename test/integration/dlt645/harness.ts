/** A bridge-side DL/T 645 driver and a hub on a free loopback port, for the integration tests. */
import { Writable } from 'node:stream';
import { Hub, type DeviceEvent } from '../../../server/core/hub.ts';
import { createLogger } from '../../../server/core/logger.ts';
import { optionsSchema } from '../../../server/options/schema.ts';
import type { DialInClaimFactory } from '../../../server/drivers/dialIn.ts';
import { createDlt645Driver, type Dlt645Driver } from '../../../server/drivers/dlt645/driver.ts';
import { freePort } from '../../support/ports.ts';

export interface Bridge {
  hub: Hub;
  driver: Dlt645Driver;
  port: number;
  events: { id: string; event: DeviceEvent }[];
  configErrors: string[];
  /** Warning and error lines the driver logged (pino JSON). */
  logs: { level: number; msg: string }[];
  stop(): Promise<void>;
}

/** @param dialIn other protocols' meters the port recognises (as the driver registry gives them). */
export async function startBridge(
  dlt645: Record<string, unknown> = {},
  meters: unknown[] = [],
  dialIn: DialInClaimFactory[] = [],
): Promise<Bridge> {
  const port = await freePort();
  const hub = new Hub();
  const events: Bridge['events'] = [];
  const configErrors: string[] = [];
  const logs: Bridge['logs'] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n')) if (line.trim()) logs.push(JSON.parse(line));
      done();
    },
  });
  hub.on('event', (rec, event) => events.push({ id: rec.info.id, event }));
  const options = optionsSchema.parse({
    dlt645: { listen_port: port, poll_interval: 1, timeout: 1, retries: 1, heartbeat: 'HEARTBEAT', ...dlt645 },
    dlt645_meters: meters,
  });
  const driver = createDlt645Driver(
    {
      hub,
      log: createLogger('warn', sink),
      options,
      dataDir: '/tmp',
      reportConfigError: (where, message) => configErrors.push(`${where}: ${message}`),
    },
    dialIn,
  );
  await driver.start();
  return { hub, driver, port, events, configErrors, logs, stop: () => driver.stop() };
}

export function eventsOf(bridge: Bridge, id: string, name: string): DeviceEvent[] {
  return bridge.events.filter((e) => e.id === id && e.event.event === name).map((e) => e.event);
}
