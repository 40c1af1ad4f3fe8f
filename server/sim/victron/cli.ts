/**
 * `wattwire sim victron [--port N] [--host H] [--generation flashmq|dbus-mqtt] [--portal-id ID]
 *  [--keepalive-timeout S] [--heartbeat S] [--username U --password P]`:
 * a Victron GX's MQTT broker fed from the synthetic capture.
 */
import { parseArgs } from 'node:util';
import { GxSimulator, type Generation } from './gx.ts';

export async function runSimCli(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '1883' },
      host: { type: 'string', default: '127.0.0.1' },
      generation: { type: 'string', default: 'flashmq' },
      'portal-id': { type: 'string' },
      'keepalive-timeout': { type: 'string', default: '60' },
      heartbeat: { type: 'string', default: '3' },
      username: { type: 'string' },
      password: { type: 'string' },
    },
  });
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
