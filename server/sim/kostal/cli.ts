/**
 * `wattwire sim kostal [flags]`: a Kostal PIKO web server on this machine.
 *
 *   --port N            (default 8080)          --host ADDR (default 127.0.0.1)
 *   --generation classic|dxs                    --layout 8.3-en|8.3-de|5.5-de|5.5-nl|3.6-en
 *   --page FILE         serve one sample page unchanged (e.g. piko-8.3-index-de-off-night.html)
 *   --user U --password P   Basic auth of the classic page (default pvserver / pvwr)
 *   --night refused|placeholders   what the server does 22:00–05:00 (default refused)
 *   --hour H            fixed hour of day;  --day-seconds N [--start-hour H]  a fast day
 *   --fault slow|500|truncated|refused   --slow-ms N
 * Type a fault name (or "none", or "hour H") on stdin to change it while running.
 */
import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline';
import { LAYOUTS, type Layout } from './classicPages.ts';
import { SIM_FAULTS, KostalSim, type SimFault } from './simulator.ts';

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], flag: string): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw new Error(`--${flag} must be one of ${allowed.join(', ')}`);
  return value as T;
}

function number(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new Error(`--${flag} must be a number`);
  return n;
}

export async function runSimCli(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '8080' },
      host: { type: 'string', default: '127.0.0.1' },
      generation: { type: 'string', default: 'classic' },
      layout: { type: 'string', default: '8.3-en' },
      page: { type: 'string' },
      user: { type: 'string', default: 'pvserver' },
      password: { type: 'string', default: 'pvwr' },
      night: { type: 'string', default: 'refused' },
      hour: { type: 'string' },
      'day-seconds': { type: 'string' },
      'start-hour': { type: 'string' },
      fault: { type: 'string' },
      'slow-ms': { type: 'string' },
    },
  });
  const sim = new KostalSim({
    host: values.host,
    port: number(values.port, 'port'),
    generation: oneOf(values.generation, ['classic', 'dxs'] as const, 'generation'),
    layout: oneOf<Layout>(values.layout, LAYOUTS, 'layout'),
    page: values.page,
    username: values.user,
    password: values.password,
    night: oneOf(values.night, ['refused', 'placeholders'] as const, 'night'),
    clock: {
      hour: number(values.hour, 'hour'),
      daySeconds: number(values['day-seconds'], 'day-seconds'),
      startHour: number(values['start-hour'], 'start-hour'),
    },
    fault: oneOf<SimFault>(values.fault, SIM_FAULTS, 'fault'),
    slowMs: number(values['slow-ms'], 'slow-ms'),
  });
  await sim.start();
  const path = values.generation === 'dxs' ? '/api/dxs.json?dxsEntries=16780032' : '/index.fhtml';
  console.log(`Kostal PIKO simulator (${values.generation}) on ${sim.url}${path}; user ${values.user}`);
  const rl = createInterface({ input: process.stdin, terminal: false });
  rl.on('line', (line) => {
    const [cmd, arg] = line.trim().split(/\s+/);
    if (cmd === 'hour' && arg !== undefined) void sim.setHour(Number(arg)).then(() => console.log(`hour ${arg}: ${sim.phase}`));
    else if (cmd === 'none') void sim.setFault(null).then(() => console.log('no fault'));
    else if ((SIM_FAULTS as readonly string[]).includes(cmd)) void sim.setFault(cmd as SimFault).then(() => console.log(`fault ${cmd}`));
    else if (cmd) console.log(`commands: ${SIM_FAULTS.join(' | ')} | none | hour H`);
  });
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  rl.close();
  await sim.stop();
}
