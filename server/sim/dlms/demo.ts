/** `npm run demo`: one meter pushing authenticated, encrypted telegrams over TCP to the bridge's DLMS listener. */
import net from 'node:net';
import type { Options } from '../../options/schema.ts';
import type { DemoSim } from '../demoSim.ts';
import { SIM_DEFAULTS } from './cli.ts';
import { DlmsPushSim } from './pushSim.ts';

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export async function startDemoSim(): Promise<DemoSim> {
  const port = await freeLoopbackPort();
  const sim = new DlmsPushSim({
    target: { host: '127.0.0.1', port },
    framing: 'wrapper',
    security: 'auth-encrypt',
    systemTitle: Buffer.from(SIM_DEFAULTS.systemTitle, 'hex'),
    encryptionKey: Buffer.from(SIM_DEFAULTS.encryptionKey, 'hex'),
    authenticationKey: Buffer.from(SIM_DEFAULTS.authenticationKey, 'hex'),
    intervalMs: 5000,
  });
  await sim.start();
  return {
    kind: 'dlms',
    configure(options: Options) {
      options.dlms.listen = true;
      options.dlms.listen_port = port;
      options.dlms_meters.push({
        name: 'Demo DLMS meter',
        mode: 'push',
        system_title: SIM_DEFAULTS.systemTitle,
        encryption_key: SIM_DEFAULTS.encryptionKey,
        authentication_key: SIM_DEFAULTS.authenticationKey,
        timeout: 30,
      });
    },
    stop: () => sim.stop(),
  };
}
