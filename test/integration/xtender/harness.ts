/** The xtender driver against the simulated Xcom-232i over a real socat PTY pair. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Hub, type DeviceEvent } from '../../../server/core/hub.ts';
import { createLogger } from '../../../server/core/logger.ts';
import type { Driver } from '../../../server/drivers/types.ts';
import { createXtenderDriver } from '../../../server/drivers/xtender/driver.ts';
import { optionsSchema } from '../../../server/options/schema.ts';
import { parseDeviceList } from '../../../server/sim/xtender/gateway.ts';
import { XtenderSimulator } from '../../../server/sim/xtender/simulator.ts';
import { PtyPair } from '../../support/pty.ts';

export interface Rig {
  hub: Hub;
  driver: Driver;
  sim: XtenderSimulator;
  pty: PtyPair;
  dataDir: string;
  events: { id: string; event: DeviceEvent }[];
  configErrors: string[];
  stop(): Promise<void>;
}

export async function startRig(
  opts: {
    devices?: string;
    link?: Record<string, unknown>;
    dropTimeoutMs?: number;
    infoProperties?: number[];
    /** Changes to the simulated devices before the driver first talks to them. */
    simSetup?: (sim: XtenderSimulator) => void;
    /** Files the data directory holds before the driver starts. */
    dataFiles?: Record<string, string>;
  } = {},
): Promise<Rig> {
  const pty = await PtyPair.open();
  const sim = new XtenderSimulator({
    path: pty.b,
    devices: parseDeviceList(opts.devices ?? 'xt:3,vt:1,bsp:1'),
    dropTimeoutMs: opts.dropTimeoutMs ?? 300,
    infoProperties: opts.infoProperties,
  });
  opts.simSetup?.(sim);
  await sim.start();
  const hub = new Hub();
  const events: Rig['events'] = [];
  hub.on('event', (rec, event) => events.push({ id: rec.info.id, event }));
  const dataDir = mkdtempSync(path.join(tmpdir(), 'xtender-data-'));
  for (const [name, content] of Object.entries(opts.dataFiles ?? {})) writeFileSync(path.join(dataDir, name), content);
  const options = optionsSchema.parse({
    xtender: [{ serial_port: pty.a, poll_interval: 1, fast_poll_interval: 1, timeout_ms: 800, ...opts.link }],
  });
  const configErrors: string[] = [];
  const driver = createXtenderDriver({
    hub,
    log: createLogger('silent'),
    options,
    dataDir,
    reportConfigError: (where, message) => configErrors.push(`${where}: ${message}`),
  });
  await driver.start();
  return {
    hub,
    driver,
    sim,
    pty,
    dataDir,
    events,
    configErrors,
    async stop() {
      await driver.stop();
      await sim.stop();
      await pty.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Hub id of a simulated device: the driver names devices by FID, as hex. */
export function simDeviceId(rig: Rig, address: number): string {
  const dev = rig.sim.gateway.devices.find((d) => d.address === address);
  if (!dev) throw new Error(`no simulated device at ${address}`);
  return `xtender_${dev.fid.toString(16).toUpperCase().padStart(8, '0')}`;
}
