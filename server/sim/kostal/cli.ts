/**
 * `wattwire sim kostal [flags]`: a Kostal PIKO web server on this machine
 * (`wattwire sim kostal --help` lists the flags).
 */
import { createInterface } from 'node:readline';
import { LAYOUTS, type Layout } from './classicPages.ts';
import { SIM_FAULTS, KostalSim, type SimFault } from './simulator.ts';
import type { SunPhase } from '../daylight.ts';
import { parseSimFlags, type SimFlag } from '../simFlags.ts';

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

const FLAGS = {
  port: { type: 'string', default: '8080', value: 'N', help: 'TCP port of the web server' },
  host: { type: 'string', default: '127.0.0.1', value: 'ADDR', help: 'address to listen on' },
  generation: { type: 'string', default: 'classic', value: 'classic|dxs', help: 'classic HTML page or the DXS JSON API' },
  layout: { type: 'string', default: '8.3-en', value: 'NAME', help: `firmware and language of the classic page: ${LAYOUTS.join(', ')}` },
  page: { type: 'string', value: 'FILE', help: 'serve one sample page unchanged (e.g. piko-8.3-index-de-off-night.html)' },
  user: { type: 'string', default: 'pvserver', value: 'U', help: 'Basic auth user of the classic page' },
  password: { type: 'string', default: 'pvwr', value: 'P', help: 'Basic auth password of the classic page' },
  night: {
    type: 'string',
    default: 'refused',
    value: 'refused|placeholders',
    help: 'at night (22:00-05:00) refuse every connection, or serve x x x pages',
  },
  hour: { type: 'string', value: 'H', help: 'fixed hour of day (default: the real clock)' },
  'day-seconds': { type: 'string', value: 'N', help: 'a fast day: 24 hours in N seconds' },
  'start-hour': { type: 'string', value: 'H', help: 'hour a fast day starts at (default 12)' },
  fault: { type: 'string', value: 'NAME', help: `start with a fault: ${SIM_FAULTS.join(', ')} (change it on stdin)` },
  'slow-ms': { type: 'string', value: 'N', help: 'delay of the slow fault in milliseconds' },
} as const satisfies Record<string, SimFlag>;

const ABOUT = 'A Kostal PIKO web server. Type a fault name, "none" or "hour H" on stdin to change it while running.';

const PHASES: Record<SunPhase, string> = {
  feeding: 'feeding in (day)',
  idle: 'idle (dawn)',
  off: 'off, pages show x x x',
  unpowered: 'night, every connection refused',
};

export async function runSimCli(argv: string[]): Promise<void> {
  const values = parseSimFlags('kostal', argv, FLAGS, ABOUT);
  if (!values) return;
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
  console.log(
    values.page
      ? `serves ${values.page} unchanged at every hour; fault: ${values.fault ?? 'none'}`
      : startState(sim, values.night, values.fault),
  );
  const rl = createInterface({ input: process.stdin, terminal: false });
  rl.on('line', (line) => {
    const [cmd, arg] = line.trim().split(/\s+/);
    if (cmd === 'hour' && arg !== undefined) void sim.setHour(Number(arg)).then(() => console.log(`hour ${arg}: ${sim.phase}`));
    else if (cmd === 'none') void sim.setFault(null).then(() => console.log('no fault'));
    else if (cmd !== undefined && (SIM_FAULTS as readonly string[]).includes(cmd))
      void sim.setFault(cmd as SimFault).then(() => console.log(`fault ${cmd}`));
    else if (cmd) console.log(`commands: ${SIM_FAULTS.join(' | ')} | none | hour H`);
  });
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  rl.close();
  await sim.stop();
}

/** The state the simulator starts in, so that a refused connection at night is no surprise. */
function startState(sim: KostalSim, night: string, fault: string | undefined): string {
  const nightText = night === 'refused' ? 'every connection refused' : 'pages show x x x';
  return `starts at hour ${Math.floor(sim.hour)}: ${PHASES[sim.phase]}; at night (22:00-05:00): ${nightText}; fault: ${fault ?? 'none'}`;
}
