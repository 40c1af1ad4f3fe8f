/**
 * `npm run demo`: one meter pushing authenticated, encrypted telegrams over TCP to the
 * bridge's DLMS listener. For the chaos run it can stop pushing or cipher with a wrong key.
 */
import net from 'node:net';
import type { Options } from '../../options/schema.ts';
import { overlappingFault, type DemoSim, type SimTruth } from '../demoSim.ts';
import { SIM_DEFAULTS } from './cli.ts';
import type { MeterModel } from './meterModel.ts';
import { DlmsPushSim } from './pushSim.ts';

/**
 * The energy counters by the bridge's register key: the meter pushes whole Wh and varh
 * (scaler 0), the bridge publishes kWh and kvarh.
 */
function counters(model: MeterModel): Record<string, number> {
  const { importWh, exportWh, reactiveVarh } = model.counters;
  return {
    ACTIVE_ENERGY_IMPORT: Math.floor(importWh) / 1000,
    ACTIVE_ENERGY_EXPORT: Math.floor(exportWh) / 1000,
    REACTIVE_ENERGY_IMPORT: Math.floor(reactiveVarh) / 1000,
  };
}

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

export async function startDemoSim(intervalMs = 5000): Promise<DemoSim> {
  const port = await freeLoopbackPort();
  const sim = new DlmsPushSim({
    target: { host: '127.0.0.1', port },
    framing: 'wrapper',
    security: 'auth-encrypt',
    systemTitle: Buffer.from(SIM_DEFAULTS.systemTitle, 'hex'),
    encryptionKey: Buffer.from(SIM_DEFAULTS.encryptionKey, 'hex'),
    authenticationKey: Buffer.from(SIM_DEFAULTS.authenticationKey, 'hex'),
    intervalMs,
  });
  await sim.start();
  // The bridge reports silence as offline (after the meter's timeout) and a wrong key as a fault at once.
  const apply = () => {
    sim.fault = silent.active ? 'silent' : wrongKey.active ? 'wrong-key' : 'none';
  };
  const silent = overlappingFault('dlms: meter stops pushing', apply, apply);
  const wrongKey = overlappingFault('dlms: wrong key', apply, apply);
  const faults = [silent, wrongKey];
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
    faults: () => faults,
    // The configured system title names the meter.
    truth: (): SimTruth[] => [
      {
        id: SIM_DEFAULTS.systemTitle.toUpperCase(),
        availability: silent.active || wrongKey.active ? 'offline' : 'online',
        counters: counters(sim.model),
      },
    ],
    freeze() {
      sim.model.frozen = true;
    },
    bridgeListeners: (options) => [options.dlms.listen_port],
  };
}
