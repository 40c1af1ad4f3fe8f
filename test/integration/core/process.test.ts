/**
 * The real process: started from an options file, it reports a wrong device and runs the
 * rest; on SIGTERM it publishes the bridge as offline, closes its sockets and exits.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Mosquitto } from '../../support/mosquitto.ts';
import { MqttProbe } from '../../support/mqttProbe.ts';
import { freePort, waitFor, canConnect } from '../../support/ports.ts';

describe('wattwire process', () => {
  let broker: Mosquitto;
  let probe: MqttProbe;
  let proc: ChildProcess;
  let output = '';
  let listenPort: number;
  let httpPort: number;

  beforeAll(async () => {
    broker = await Mosquitto.start();
    probe = await MqttProbe.connect(broker.url);
    listenPort = await freePort();
    httpPort = await freePort();
    const dir = mkdtempSync(path.join(tmpdir(), 'ww-proc-'));
    const optionsFile = path.join(dir, 'options.json');
    writeFileSync(
      optionsFile,
      JSON.stringify({
        log_level: 'info',
        mqtt: { host: '127.0.0.1', port: broker.port },
        dlt645: { listen: true, listen_port: listenPort },
        dlt645_meters: [{ address: 'not-an-address' }],
        kostal: [{ host: '' }],
      }),
    );
    proc = spawn(process.execPath, ['--import', 'tsx', 'server/cli.ts', '--options', optionsFile], {
      env: { ...process.env, WATTWIRE_DATA_DIR: dir, WATTWIRE_HTTP_PORT: String(httpPort), SUPERVISOR_TOKEN: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    proc.stdout?.on('data', (d) => (output += d));
    proc.stderr?.on('data', (d) => (output += d));
  });

  afterAll(async () => {
    if (proc && proc.exitCode === null) proc.kill('SIGKILL');
    await probe?.close();
    await broker?.stop();
  });

  it('starts, names the wrong device option, and runs the rest', async () => {
    await probe.waitFor('wattwire/bridge/status', (m) => JSON.parse(m.payload).status === 'online', 20_000);
    await waitFor(() => canConnect(listenPort), { what: 'dial-in listener' });
    await waitFor(() => canConnect(httpPort), { what: 'web server' });
    expect(output).toMatch(/options: dlt645_meters\[0\]: address must be the 12-digit meter address/);
    expect(output).toMatch(/options: kostal\[0\]: host /);
  }, 30_000);

  it('on SIGTERM publishes the bridge offline, closes its listeners and exits 0', async () => {
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    proc.kill('SIGTERM');
    expect(await exited).toBe(0);
    await probe.waitFor('wattwire/bridge/status', (m) => JSON.parse(m.payload).status === 'offline');
    expect(await canConnect(listenPort)).toBe(false);
    expect(await canConnect(httpPort)).toBe(false);
  }, 20_000);
});
