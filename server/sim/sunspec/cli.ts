/**
 * `wattwire sim sunspec [flags]`: a SunSpec Modbus TCP server on this machine, a
 * PLENTICORE-like inverter and a meter (`wattwire sim sunspec --help` lists the flags).
 */
import { createInterface } from 'node:readline';
import { parseSimFlags, type SimFlag } from '../simFlags.ts';
import { SIM_FAULTS, type SimFault, SunSpecSim } from './simulator.ts';

const FLAGS = {
  port: { type: 'string', default: '1502', value: 'N', help: 'TCP port of the Modbus server' },
  host: { type: 'string', default: '127.0.0.1', value: 'ADDR', help: 'address to listen on' },
  base: { type: 'string', default: '40000', value: '40000|0|50000', help: 'register address of the SunS marker' },
  'inverter-unit': { type: 'string', default: '71', value: 'N', help: 'unit id of the inverter (Kostal: 71)' },
  'meter-unit': { type: 'string', default: '72', value: 'N', help: 'unit id of the meter' },
  serial: { type: 'string', value: 'SN', help: 'serial number of the inverter' },
  hour: { type: 'string', value: 'H', help: 'fixed hour of day (default: the real clock)' },
  'day-seconds': { type: 'string', value: 'N', help: 'a fast day: 24 hours in N seconds' },
  'start-hour': { type: 'string', value: 'H', help: 'hour a fast day starts at (default 12)' },
  'per-model': { type: 'boolean', help: 'refuse reads that span two models (exception 2), as some devices do' },
  fault: { type: 'string', value: 'NAME', help: `start with a fault: ${SIM_FAULTS.join(', ')} (change it on stdin)` },
} as const satisfies Record<string, SimFlag>;

const ABOUT = 'A SunSpec Modbus TCP server. The inverter is silent at night (22:00-05:00). Type a fault name, "none" or "hour H" on stdin.';

function number(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new Error(`--${flag} must be a number`);
  return n;
}

function fault(value: string | undefined): SimFault | undefined {
  if (value === undefined) return undefined;
  if (!(SIM_FAULTS as readonly string[]).includes(value)) throw new Error(`--fault must be one of ${SIM_FAULTS.join(', ')}`);
  return value as SimFault;
}

export async function runSimCli(argv: string[]): Promise<void> {
  const values = parseSimFlags('sunspec', argv, FLAGS, ABOUT);
  if (!values) return;
  const base = number(values.base, 'base');
  if (base !== 0 && base !== 40000 && base !== 50000) throw new Error('--base must be 40000, 0 or 50000');
  const sim = new SunSpecSim({
    host: values.host,
    port: number(values.port, 'port'),
    base,
    inverterUnit: number(values['inverter-unit'], 'inverter-unit'),
    meterUnit: number(values['meter-unit'], 'meter-unit'),
    serial: values.serial,
    clock: {
      hour: number(values.hour, 'hour'),
      daySeconds: number(values['day-seconds'], 'day-seconds'),
      startHour: number(values['start-hour'], 'start-hour'),
    },
    fault: fault(values.fault),
    perModelReads: values['per-model'],
  });
  await sim.start();
  const [inverter, meter] = sim.devices;
  console.log(
    `SunSpec simulator on ${sim.host}:${sim.port}, marker at ${sim.base}: inverter unit ${inverter.unitId} (serial ${sim.serial}), meter unit ${meter.unitId}`,
  );
  console.log(`hour ${Math.floor(sim.clock.hour())}: ${sim.phase}; fault: ${values.fault ?? 'none'}`);
  const rl = createInterface({ input: process.stdin, terminal: false });
  rl.on('line', (line) => {
    const [cmd = '', arg] = line.trim().split(/\s+/);
    if (cmd === 'hour' && arg !== undefined) {
      sim.setHour(Number(arg));
      console.log(`hour ${arg}: ${sim.phase}`);
    } else if (cmd === 'none') {
      sim.setFault(null);
      console.log('no fault');
    } else if ((SIM_FAULTS as readonly string[]).includes(cmd)) {
      sim.setFault(cmd as SimFault);
      console.log(`fault ${cmd}`);
    } else if (cmd) console.log(`commands: ${SIM_FAULTS.join(' | ')} | none | hour H`);
  });
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  rl.close();
  await sim.stop();
}
