/** The Xtender simulator for `npm run demo`: three Xtenders, a VarioTrack and a BSP on a socat PTY. */
import type { Options } from '../../options/schema.ts';
import type { DemoSim } from '../demoSim.ts';
import { parseDeviceList } from './gateway.ts';
import { openSocatPty } from './pty.ts';
import { XtenderSimulator } from './simulator.ts';

export async function startDemoSim(): Promise<DemoSim> {
  const pty = await openSocatPty();
  const sim = new XtenderSimulator({ path: pty.simPath, devices: parseDeviceList('xt:3,vt:1,bsp:1'), latencyMs: 20, wireTiming: true });
  await sim.start();
  return {
    kind: 'xtender',
    configure(options: Options): void {
      options.xtender.push({ name: 'Xtender demo', serial_port: pty.bridgePath, allow_writes: true });
    },
    async stop(): Promise<void> {
      await sim.stop();
      await pty.close();
    },
  };
}
