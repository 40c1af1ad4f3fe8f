/**
 * `wattwire sim xtender [flags]`: an Xcom-232i on a serial path, or on a fresh socat PTY
 * pair whose bridge end it prints (`--help` lists the flags).
 */
import { parseDeviceList } from './gateway.ts';
import { openSocatPty, type SocatPty } from '../socatPty.ts';
import { XtenderSimulator } from './simulator.ts';
import { parseSimFlags, type SimFlag } from '../simFlags.ts';

const FLAGS = {
  path: { type: 'string', value: 'DEV', help: 'serial device to serve (default: a new socat PTY pair)' },
  devices: { type: 'string', default: 'xt:3,vt:1,bsp:1', value: 'LIST', help: 'units on the bus: kind:count, comma-separated' },
  baud: { type: 'string', default: '38400', value: '38400|115200', help: 'serial speed' },
  'latency-ms': { type: 'string', default: '20', value: 'N', help: "the gateway's answer delay in milliseconds" },
  'drop-out': { type: 'string', value: 'ADDR', help: 'this unit drops off the bus after --drop-after seconds' },
  'drop-after': { type: 'string', default: '60', value: 'S', help: 'seconds before --drop-out happens' },
} as const satisfies Record<string, SimFlag>;

export async function runSimCli(argv: string[]): Promise<void> {
  const values = parseSimFlags('xtender', argv, FLAGS, 'An Xcom-232i gateway with Studer units on a serial line.');
  if (!values) return;
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
  console.log(
    `starts with every unit answering${values['drop-out'] ? `; unit ${values['drop-out']} drops off after ${values['drop-after']} s` : ''}`,
  );
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
