/**
 * `wattwire sim victron [flags]`: a Victron GX's MQTT broker fed from the synthetic capture
 * (`--help` lists the flags).
 */
import { GxSimulator, type Generation } from './gx.ts';
import { parseSimFlags, type SimFlag } from '../simFlags.ts';

const FLAGS = {
  port: { type: 'string', default: '1883', value: 'N', help: "port of the GX's MQTT broker" },
  host: { type: 'string', default: '127.0.0.1', value: 'ADDR', help: 'address to listen on' },
  generation: { type: 'string', default: 'flashmq', value: 'flashmq|dbus-mqtt', help: 'Venus OS MQTT generation' },
  'portal-id': { type: 'string', value: 'ID', help: "portal id (default: the capture's)" },
  'keepalive-timeout': { type: 'string', default: '60', value: 'S', help: 'publishing stops this many seconds after the last keep-alive' },
  heartbeat: { type: 'string', default: '3', value: 'S', help: 'seconds between heartbeats' },
  username: { type: 'string', value: 'U', help: 'broker user (default: no login)' },
  password: { type: 'string', value: 'P', help: 'broker password' },
} as const satisfies Record<string, SimFlag>;

export async function runSimCli(argv: string[]): Promise<void> {
  const values = parseSimFlags('victron', argv, FLAGS, "A Victron GX's MQTT broker fed from the synthetic capture.");
  if (!values) return;
  const generation = values.generation;
  if (generation !== 'flashmq' && generation !== 'dbus-mqtt')
    throw new Error(`--generation must be flashmq or dbus-mqtt, not "${generation}"`);
  const port = positive(values.port, '--port');
  const sim = await GxSimulator.start({
    generation: generation as Generation,
    port,
    host: values.host,
    portalId: values['portal-id'],
    keepaliveTimeoutMs: positive(values['keepalive-timeout'], '--keepalive-timeout') * 1000,
    heartbeatMs: positive(values.heartbeat, '--heartbeat') * 1000,
    username: values.username,
    password: values.password,
  });
  console.log(`victron GX simulator (${sim.generation}, portal id ${sim.portalId}) listening on ${sim.url}`);
  console.log(
    `starts silent: it publishes once a client sends R/${sim.portalId}/keepalive, until ${values['keepalive-timeout']} s after the last one; ${values.username ? `login ${values.username} required` : 'no login'}`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await sim.stop();
  console.log(`stopped after ${sim.stats.keepalives} keep-alives and ${sim.stats.published} published messages`);
}

function positive(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${flag} must be a positive number, not "${text}"`);
  return n;
}
