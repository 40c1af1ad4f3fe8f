/**
 * `wattwire sim xtender [--path DEV] [--devices xt:3,vt:1,bsp:1] [--baud 38400]
 * [--latency-ms 20] [--drop-out 102 --drop-after 60]`: an Xcom-232i on a serial path,
 * or on a fresh socat PTY pair whose bridge end it prints.
 */
import { parseArgs } from 'node:util';
import { parseDeviceList } from './gateway.ts';
import { openSocatPty, type SocatPty } from '../socatPty.ts';
import { XtenderSimulator } from './simulator.ts';

export async function runSimCli(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      path: { type: 'string' },
      devices: { type: 'string', default: 'xt:3,vt:1,bsp:1' },
      baud: { type: 'string', default: '38400' },
      'latency-ms': { type: 'string', default: '20' },
      'drop-out': { type: 'string' },
      'drop-after': { type: 'string', default: '60' },
    },
  });
  const baudRate = Number(values.baud);
  if (baudRate !== 38400 && baudRate !== 115200) throw new Error(`--baud must be 38400 or 115200, got ${values.baud}`);
  const devices = parseDeviceList(values.devices);
  let pty: SocatPty | undefined;
  let simPath = values.path;
  if (!simPath) {
    pty = await openSocatPty();
    simPath = pty.simPath;
  }
  const sim = new XtenderSimulator({ path: simPath, baudRate, devices, latencyMs: Number(values['latency-ms']), wireTiming: true });
  await sim.start();
  console.log(`xtender simulator: ${devices.map((d) => `${d.kind}@${d.address}`).join(', ')}`);
  console.log(pty ? `serial_port for the bridge: ${pty.bridgePath}` : `listening on ${simPath}`);
  let dropTimer: NodeJS.Timeout | undefined;
  if (values['drop-out']) {
    const address = Number(values['drop-out']);
    dropTimer = setTimeout(() => {
      sim.gateway.dropOut(address);
      console.log(`device ${address} dropped off the bus; the gateway answers nonsense until a new session`);
    }, Number(values['drop-after']) * 1000);
  }
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  clearTimeout(dropTimer);
  await sim.stop();
  await pty?.close();
}
