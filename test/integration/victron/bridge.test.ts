/**
 * A GX bridged into a real Mosquitto with a topic prefix (the Mosquitto bridge of the
 * ha-victron-mqtt README: N/# in, R/# and W/# out): the driver talks to Mosquitto only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, waitFor } from '../../support/ports.ts';
import { GX_ID, startRig, type Rig } from './harness.ts';

const BINARY = ['/usr/sbin/mosquitto', '/usr/bin/mosquitto'].find((p) => existsSync(p)) ?? 'mosquitto';

describe('Victron GX through a bridged Mosquitto with a topic prefix', () => {
  let rig: Rig;
  let mosquitto: ChildProcess;
  let dir: string;

  beforeAll(async () => {
    const port = await freePort();
    // The sim starts first (its port goes into the bridge); the driver's first attempts retry until Mosquitto is up.
    rig = await startRig({ generation: 'flashmq' }, { port, topic_prefix: 'victron/', allow_writes: true });
    dir = mkdtempSync(path.join(tmpdir(), 'victron-bridge-'));
    const conf = path.join(dir, 'mosquitto.conf');
    writeFileSync(
      conf,
      [
        `listener ${port} 127.0.0.1`,
        'allow_anonymous true',
        'persistence false',
        'log_dest none',
        // aedes refuses client publishes under $SYS/ (bridge notifications) and the bridge protocol flag
        'connection gx',
        `address 127.0.0.1:${rig.sim.port}`,
        'cleansession true',
        'restart_timeout 1',
        'notifications false',
        'try_private false',
        'topic N/# in 0 victron/ ""',
        'topic R/# out 0 victron/ ""',
        'topic W/# out 0 victron/ ""',
        '',
      ].join('\n'),
    );
    mosquitto = spawn(BINARY, ['-c', conf], { stdio: 'ignore' });
    await waitFor(
      () =>
        new Promise<boolean>((resolve) => {
          const s = net.connect(port, '127.0.0.1', () => {
            s.destroy();
            resolve(true);
          });
          s.once('error', () => resolve(false));
        }),
      { what: 'mosquitto' },
    );
  });

  afterAll(async () => {
    await rig?.stop();
    if (mosquitto && mosquitto.exitCode === null) {
      await new Promise<void>((resolve) => {
        mosquitto.once('exit', () => resolve());
        mosquitto.kill('SIGKILL');
      });
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('learns the portal id, keeps the GX alive and writes through the bridge', async () => {
    await rig.until(GX_ID, 'system_battery_soc', undefined, 20_000);
    await waitFor(() => rig.diag().generation === 'flashmq', { what: 'flashmq detected through the bridge' });
    await waitFor(() => rig.hub.get(GX_ID)!.status.availability === 'online', { what: 'online' });
    await expect(rig.hub.write(GX_ID, 'settings_ess_minimum_soc', 35)).resolves.toBe(35);
    expect(rig.sim.value('settings/0/Settings/CGwacs/BatteryLife/MinimumSocLimit')).toBe(35);
    expect(rig.sim.writes.at(-1)).toEqual({
      path: 'settings/0/Settings/CGwacs/BatteryLife/MinimumSocLimit',
      payload: '{"value":35}',
      retain: false,
    });
  });
});
