/** `wattwire sim dlt645 --meters N --port P [--host H] [fault flags]`: meters dialing in like 4G DTUs. */
import { parseArgs } from 'node:util';
import type { ReadAddressOn } from './simMeter.ts';
import { startDlt645Sim } from './tcpSim.ts';

const USAGE = `usage: wattwire sim dlt645 --port P [--host H] [--meters N] [--first-address N]
  [--silent-share F] [--registration-share F] [--prefix-share F] [--heartbeat TEXT] [--heartbeat-ms MS]
  [--slow-ms MS] [--error-share F] [--drop-every-ms MS] [--garbage-every-ms MS] [--time-scale X]
  [--read-address-on wildcard|broadcast|never]`;

export async function runSimCli(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
      meters: { type: 'string', default: '3' },
      'first-address': { type: 'string', default: '1' },
      'silent-share': { type: 'string' },
      'registration-share': { type: 'string' },
      'prefix-share': { type: 'string' },
      heartbeat: { type: 'string' },
      'heartbeat-ms': { type: 'string' },
      'slow-ms': { type: 'string' },
      'error-share': { type: 'string' },
      'drop-every-ms': { type: 'string' },
      'garbage-every-ms': { type: 'string' },
      'time-scale': { type: 'string' },
      'read-address-on': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || !values.port) {
    console.log(USAGE);
    if (!values.help) process.exitCode = 2;
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
  });
  const first = sim.meters[0]?.address ?? '-';
  console.log(`dlt645 sim: ${sim.meters.length} meters (first ${first}) dialing in to ${values.host}:${values.port}`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await sim.stop();
}

function isReadAddressOn(s: string): s is ReadAddressOn {
  return s === 'wildcard' || s === 'broadcast' || s === 'never';
}
