/** `wattwire sim dlt645 --meters N --port P [--host H] [fault flags]`: meters dialing in like 4G DTUs. */
import { parseSimFlags, simUsage, type SimFlag } from '../simFlags.ts';
import type { ReadAddressOn } from './simMeter.ts';
import { startDlt645Sim } from './tcpSim.ts';

const FLAGS = {
  port: { type: 'string', value: 'P', help: "the bridge's dial-in port (required)" },
  host: { type: 'string', default: '127.0.0.1', value: 'H', help: "the bridge's address" },
  meters: { type: 'string', default: '3', value: 'N', help: 'number of meters, each on its own DTU connection' },
  'first-address': { type: 'string', default: '1', value: 'N', help: 'address of the first meter' },
  'silent-share': { type: 'string', value: 'F', help: 'share of meters silent until asked their address (default 0.3)' },
  'registration-share': { type: 'string', value: 'F', help: 'share of DTUs sending their IMEI once on connecting (default 0.3)' },
  'prefix-share': { type: 'string', value: 'F', help: 'share of DTUs putting their IMEI before every packet (default 0)' },
  heartbeat: { type: 'string', value: 'TEXT', help: 'DTU heartbeat payload' },
  'heartbeat-ms': { type: 'string', value: 'MS', help: 'heartbeat period; 0 turns heartbeats off' },
  'slow-ms': { type: 'string', value: 'MS', help: 'delay every answer' },
  'error-share': { type: 'string', value: 'F', help: 'share of reads answered with an error word' },
  'drop-every-ms': { type: 'string', value: 'MS', help: "drop a random meter's connection this often" },
  'garbage-every-ms': { type: 'string', value: 'MS', help: 'send a random meter garbage this often' },
  'time-scale': { type: 'string', value: 'X', help: "run the meters' clocks X times faster" },
  'read-address-on': {
    type: 'string',
    value: 'wildcard|broadcast|never',
    help: 'which address read-address (0x13) is answered on (default wildcard)',
  },
  'energy-dis': {
    type: 'string',
    value: 'standard|combined-only',
    help: 'energy DIs served; combined-only: only 00000000, as the IVY gateway simulator (default standard)',
  },
  'mode-word': { type: 'string', value: 'N', help: 'active energy combination mode word answered at 04000601 (default none)' },
} as const satisfies Record<string, SimFlag>;

const ABOUT = 'DL/T 645 meters dialing in to the bridge like 4G DTUs.';

export async function runSimCli(argv: string[]): Promise<void> {
  const values = parseSimFlags('dlt645', argv, FLAGS, ABOUT);
  if (!values) return;
  if (!values.port) {
    console.log(simUsage('dlt645', FLAGS, ABOUT));
    process.exitCode = 2;
    return;
  }
  const num = (name: string, raw: string | undefined): number | undefined => {
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < 0) throw new Error(`--${name}: "${raw}" is not a non-negative number`);
    return n;
  };
  const readAddressOn = values['read-address-on'];
  if (readAddressOn !== undefined && !isReadAddressOn(readAddressOn))
    throw new Error(`--read-address-on: "${readAddressOn}" is not wildcard, broadcast or never`);
  const energyDis = values['energy-dis'];
  if (energyDis !== undefined && energyDis !== 'standard' && energyDis !== 'combined-only')
    throw new Error(`--energy-dis: "${energyDis}" is not standard or combined-only`);
  const modeWord = num('mode-word', values['mode-word']);
  if (modeWord !== undefined && (!Number.isInteger(modeWord) || modeWord > 255))
    throw new Error(`--mode-word: "${modeWord}" is not a byte`);
  const sim = startDlt645Sim({
    port: num('port', values.port) ?? 8899,
    host: values.host,
    meters: num('meters', values.meters),
    firstAddress: num('first-address', values['first-address']),
    silentShare: num('silent-share', values['silent-share']),
    registrationShare: num('registration-share', values['registration-share']),
    prefixShare: num('prefix-share', values['prefix-share']),
    heartbeat: values.heartbeat,
    heartbeatMs: num('heartbeat-ms', values['heartbeat-ms']),
    slowMs: num('slow-ms', values['slow-ms']),
    errorShare: num('error-share', values['error-share']),
    dropEveryMs: num('drop-every-ms', values['drop-every-ms']),
    garbageEveryMs: num('garbage-every-ms', values['garbage-every-ms']),
    timeScale: num('time-scale', values['time-scale']),
    readAddressOn,
    energyDis,
    modeWord,
  });
  const first = sim.meters[0]?.address ?? '-';
  console.log(`dlt645 sim: ${sim.meters.length} meters (first ${first}) dialing in to ${values.host}:${values.port}`);
  console.log(`starts with ${faultsOf(values)}`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await sim.stop();
}

function isReadAddressOn(s: string): s is ReadAddressOn {
  return s === 'wildcard' || s === 'broadcast' || s === 'never';
}

/** The faults given on the command line, or that there are none. */
function faultsOf(values: Partial<Record<string, string>>): string {
  const given = ['slow-ms', 'error-share', 'drop-every-ms', 'garbage-every-ms'].filter((f) => values[f] !== undefined);
  return given.length === 0 ? 'no faults' : `faults: ${given.map((f) => `--${f} ${values[f]}`).join(' ')}`;
}
