/**
 * The process: read options and environment, start the app, and on SIGTERM/SIGINT stop
 * it in order (bridge published offline, every socket closed). An exception that escapes
 * every device session ends it with code 1 (server/fatal.ts).
 */
import { parseArgs } from 'node:util';
import { WattwireApp } from './app.ts';
import { createLogger, type Logger } from './core/logger.ts';
import { installFatalHandlers } from './fatal.ts';
import { parseOptionsLenient, readEnvironment, readOptionsFile } from './options/load.ts';

/** Beyond the MQTT client's own wait for its last messages (5 s). */
const STOP_DEADLINE_MS = 15_000;

export async function runMain(argv: string[]): Promise<void> {
  let log: Logger = createLogger('info', process.stdout, undefined, 'text');
  installFatalHandlers({ log: () => log });
  const { values } = parseArgs({
    args: argv,
    options: { options: { type: 'string' }, demo: { type: 'boolean', default: false } },
    allowPositionals: false,
  });
  const env = readEnvironment(process.env, values.options);
  let stop: () => Promise<void>;
  if (values.demo) {
    const { startDemo } = await import('./demo.ts');
    const demo = await startDemo({ httpPort: env.httpPort, mqttPort: env.mqttPort, mqttWsPort: env.mqttWsPort, dataDir: env.dataDir });
    console.log(demo.banner);
    stop = demo.stop;
  } else {
    const { options, errors } = parseOptionsLenient(await readOptionsFile(env.optionsFile));
    const app = new WattwireApp({ options, env, optionErrors: errors });
    log = app.log;
    await app.start();
    stop = () => app.stop();
  }
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.error(`${signal}: stopping`);
    // The supervisor kills a process that does not end; one whose stop hangs ends on its own, and says so.
    setTimeout(() => {
      console.error(`stopping took more than ${STOP_DEADLINE_MS / 1000} s: exiting`);
      process.exit(1);
    }, STOP_DEADLINE_MS).unref();
    stop()
      .catch((err: unknown) => console.error(`error while stopping: ${(err as Error).message}`))
      .finally(() => process.exit(0));
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}
