/**
 * `npm run demo`: the embedded broker, a simulator of every device kind, the bridge and the
 * UI, on this machine only; nothing to install or configure.
 */
import { WattwireApp } from './app.ts';
import { optionsSchema } from './options/schema.ts';
import { DEMO_SIMS } from './sim/demoSims.ts';
import { freePort } from './sim/freePort.ts';
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
  // The demo's listeners must not collide with real ones on this machine.
  options.dlt645.listen_port = await freePort();
  const sims: DemoSim[] = [];
  for (const [kind, load] of Object.entries(DEMO_SIMS)) {
    if (settings.kinds && !settings.kinds.includes(kind)) continue;
    try {
      const sim = await (await load()).startDemoSim();
      sim.configure(options);
      sims.push(sim);
    } catch (err) {
      console.error(`demo: the ${kind} simulator did not start: ${(err as Error).message}`);
    }
  }
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
