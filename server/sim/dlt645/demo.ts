/**
 * Three meters for `npm run demo`: they dial in to the bridge's DL/T 645 listener once the
 * options name its port, and keep retrying until the bridge listens.
 */
import type { DemoSim } from '../demoSim.ts';
import type { Options } from '../../options/schema.ts';
import { startDlt645Sim, type Dlt645Sim } from './tcpSim.ts';

const DEMO_HEARTBEAT = 'HEARTBEAT';

export async function startDemoSim(meters = 3): Promise<DemoSim> {
  let sim: Dlt645Sim | undefined;
  return {
    kind: 'dlt645',
    configure(options: Options): void {
      options.dlt645.listen = true;
      options.dlt645.heartbeat = DEMO_HEARTBEAT;
      void sim?.stop();
      sim = startDlt645Sim({
        port: options.dlt645.listen_port,
        meters,
        firstAddress: 230001,
        silentShare: 0.34,
        registrationShare: 0.34,
        threePhaseShare: 0.67,
        heartbeat: DEMO_HEARTBEAT,
        heartbeatMs: 20_000,
        reconnectMs: 1000,
        seed: 7,
      });
    },
    async stop(): Promise<void> {
      await sim?.stop();
    },
  };
}
