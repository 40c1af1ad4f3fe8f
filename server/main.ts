/**
 * The process: read options and environment, start the app, and on SIGTERM/SIGINT stop
 * it in order (bridge published offline, every socket closed).
 */
import { parseArgs } from 'node:util';
import { WattwireApp } from './app.ts';
import { parseOptionsLenient, readEnvironment, readOptionsFile } from './options/load.ts';

export async function runMain(argv: string[]): Promise<void> {
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
    await app.start();
    stop = () => app.stop();
  }
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.error(`${signal}: stopping`);
    stop()
      .catch((err: unknown) => console.error(`error while stopping: ${(err as Error).message}`))
      .finally(() => process.exit(0));
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  // A bug in one device's handling must not take the others down.
  process.on('uncaughtException', (err) => console.error(`uncaught exception (kept running): ${err.stack ?? err.message}`));
  process.on('unhandledRejection', (err) => console.error(`unhandled rejection (kept running): ${String(err)}`));
}
