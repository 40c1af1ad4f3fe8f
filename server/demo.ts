/**
 * `npm run demo`: the embedded broker, a simulator of every device kind, the bridge and the
 * UI, on this machine only; nothing to install or configure.
 */
import { WattwireApp } from './app.ts';
import { optionsSchema } from './options/schema.ts';
import { startDemoFleet } from './sim/demoFleet.ts';
import type { DemoSim } from './sim/demoSim.ts';

export interface DemoSettings {
  httpPort: number;
  mqttPort: number;
  mqttWsPort: number;
  dataDir: string;
  /** Only these kinds (default: all). */
  kinds?: string[];
  quiet?: boolean;
}

export interface Demo {
  app: WattwireApp;
  url: string;
  banner: string;
  sims: DemoSim[];
  stop(): Promise<void>;
}

export async function startDemo(settings: DemoSettings): Promise<Demo> {
  const options = optionsSchema.parse({ log_level: settings.quiet ? 'error' : 'warning' });
  const { sims, errors } = await startDemoFleet(options, settings.kinds);
  for (const error of errors) console.error(`demo: ${error}`);
  const app = new WattwireApp({
    options,
    env: { dataDir: settings.dataDir, httpPort: settings.httpPort, mqttPort: settings.mqttPort, mqttWsPort: settings.mqttWsPort },
    host: '127.0.0.1',
    birthDelayMs: 500,
  });
  await app.start();
  // The demo always runs the embedded broker; its ports are the ones it really got.
  const login = app.brokerLogin();
  const port = login?.port ?? settings.mqttPort;
  const auth = login ? ` -u ${login.username} -P '${login.password}'` : '';
  const banner = [
    'Wattwire demo is running:',
    `  web UI          ${app.webUrl}`,
    `  MQTT broker     mqtt://127.0.0.1:${port} (WebSocket ws://127.0.0.1:${login?.wsPort ?? settings.mqttWsPort})` +
      (login ? `, user ${login.username}, password ${login.password}` : ''),
    `  simulators      ${sims.map((s) => s.kind).join(', ') || '(none)'}`,
    `  watch MQTT      npx mqtt sub -h 127.0.0.1 -p ${port}${auth} -t '${options.mqtt.base_topic}/#' -v`,
    'Stop with Ctrl+C.',
  ].join('\n');
  return {
    app,
    url: app.webUrl,
    banner,
    sims,
    async stop() {
      await app.stop();
      await Promise.all(sims.map((s) => s.stop().catch(() => undefined)));
    },
  };
}
