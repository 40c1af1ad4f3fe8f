/**
 * Wattwire scaled out on loopback, from the parts docs/scale-out.md describes: a three-node
 * NATS cluster (MQTT over JetStream), HAProxy in TCP mode in front of the dial-in ports, and
 * Wattwire instances as child processes, each with its own bridge topic and its own first
 * broker node. Used by the scale-out test and bench/dlt645/scaleout.ts. Everything it starts is
 * killed by `stop()`, and by a process exit hook should the caller never get there.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mqtt from 'mqtt';
import { freePort } from '../../server/sim/freePort.ts';
import { waitFor, canConnect } from '../support/ports.ts';

export const NATS_BINARY = '/usr/sbin/nats-server';
export const HAPROXY_BINARY = '/usr/sbin/haproxy';

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

function start(command: string, args: string[], opts: { env?: NodeJS.ProcessEnv; log: string }): ChildProcess {
  const child = spawn(command, args, { env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  child.once('exit', () => running.delete(child));
  // Kept for a failing run's report; bounded, the newest lines win.
  let log = '';
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-20_000);
    writeFileSync(opts.log, log);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return child;
}

async function kill(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await exited;
}

/** RSS (MB) and CPU time (s) of a running process, from /proc. */
export function procUsage(pid: number | undefined): { rssMb: number; cpuS: number } {
  if (pid === undefined) return { rssMb: 0, cpuS: 0 };
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return { rssMb: rss ? Number(rss[1]) / 1024 : 0, cpuS: (Number(stat[11]) + Number(stat[12])) / 100 };
  } catch {
    return { rssMb: 0, cpuS: 0 };
  }
}

export interface NatsNode {
  name: string;
  mqttPort: number;
  child: ChildProcess | undefined;
}

export interface Instance {
  name: string;
  bridgeTopic: string;
  listenPort: number;
  httpPort: number;
  /** Its broker nodes, its own first. */
  servers: string[];
  child: ChildProcess | undefined;
}

export interface ClusterOptions {
  instances?: number;
  pollInterval?: number;
  /** The most meters the fleet will have (connection limits are set above it). */
  meters: number;
}

export class ScaleOutCluster {
  readonly nodes: NatsNode[] = [];
  readonly instances: Instance[] = [];
  haproxy: ChildProcess | undefined;
  dialInPort = 0;

  private constructor(
    readonly dir: string,
    private readonly opts: Required<ClusterOptions>,
  ) {}

  static async start(opts: ClusterOptions): Promise<ScaleOutCluster> {
    const cluster = new ScaleOutCluster(mkdtempSync(path.join(tmpdir(), 'ww-scaleout-')), { instances: 2, pollInterval: 10, ...opts });
    try {
      await cluster.startNats();
      await cluster.startInstances();
      await cluster.startHaproxy();
    } catch (err) {
      await cluster.stop();
      throw err;
    }
    return cluster;
  }

  /** Where a test client connects: node `i` of the cluster. */
  brokerUrl(i: number): string {
    return `mqtt://127.0.0.1:${this.nodes[i]!.mqttPort}`;
  }

  /** The path of a part's log (for a failing run's report). */
  logOf(name: string): string {
    return path.join(this.dir, `${name}.log`);
  }

  private async startNats(): Promise<void> {
    const ports = await Promise.all(
      [0, 1, 2].map(async () => ({ client: await freePort(), route: await freePort(), mqtt: await freePort() })),
    );
    const routes = ports.map((p) => `nats://127.0.0.1:${p.route}`).join(', ');
    ports.forEach((p, i) => {
      const name = `nats${i + 1}`;
      const store = path.join(this.dir, name);
      mkdirSync(store);
      const conf = path.join(this.dir, `${name}.conf`);
      writeFileSync(
        conf,
        [
          `server_name: ${name}`,
          `listen: 127.0.0.1:${p.client}`,
          `jetstream { store_dir: "${store}", max_memory_store: 256MB, max_file_store: 2GB }`,
          `cluster { name: wattwire, listen: 127.0.0.1:${p.route}, routes: [${routes}] }`,
          `mqtt { listen: 127.0.0.1:${p.mqtt} }`,
        ].join('\n'),
      );
      this.nodes.push({ name, mqttPort: p.mqtt, child: start(NATS_BINARY, ['-c', conf], { log: this.logOf(name) }) });
    });
    for (const node of this.nodes) await waitFor(() => canConnect(node.mqttPort), { what: `${node.name} MQTT port`, timeoutMs: 60_000 });
    // JetStream answers MQTT QoS 1 subscriptions only once the cluster has elected its leaders.
    for (let i = 0; i < this.nodes.length; i++)
      await waitFor(() => this.subscribesQos1(i), { what: `${this.nodes[i]!.name} ready`, timeoutMs: 90_000 });
  }

  /** One attempt, bounded: a node whose JetStream is not ready may never answer the CONNECT. */
  private async subscribesQos1(i: number): Promise<boolean> {
    const client = mqtt.connect(this.brokerUrl(i), { reconnectPeriod: 0, connectTimeout: 5000 });
    client.on('error', () => undefined);
    let timer: NodeJS.Timeout | undefined;
    const attempt = (async () => {
      await new Promise<void>((resolve, reject) => {
        client.once('connect', () => resolve());
        client.once('close', () => reject(new Error('closed')));
      });
      const granted = await client.subscribeAsync('wattwire/ready-check', { qos: 1 });
      return granted.every((g) => g.qos !== 128);
    })();
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), 10_000);
    });
    try {
      return await Promise.race([attempt.catch(() => false), timeout]);
    } finally {
      clearTimeout(timer);
      client.end(true);
    }
  }

  private async startInstances(): Promise<void> {
    for (let i = 0; i < this.opts.instances; i++) {
      const name = String.fromCharCode(97 + i);
      // Each instance starts on its own node; the list rotates so that they spread.
      const servers = this.nodes.map((_, k) => `127.0.0.1:${this.nodes[(i + k) % this.nodes.length]!.mqttPort}`);
      const instance: Instance = {
        name,
        bridgeTopic: `wattwire/bridge-${name}`,
        listenPort: await freePort(),
        httpPort: await freePort(),
        servers,
        child: undefined,
      };
      this.instances.push(instance);
      this.startInstance(instance);
    }
    for (const instance of this.instances) {
      await waitFor(() => canConnect(instance.listenPort), { what: `instance ${instance.name} listening`, timeoutMs: 90_000 });
    }
  }

  private startInstance(instance: Instance): void {
    const dataDir = path.join(this.dir, `instance-${instance.name}`);
    mkdirSync(dataDir, { recursive: true });
    const optionsFile = path.join(dataDir, 'options.json');
    const n = this.opts.meters;
    writeFileSync(
      optionsFile,
      JSON.stringify({
        log_level: 'warning',
        mqtt: { servers: instance.servers, shared_fleet: true, bridge_topic: instance.bridgeTopic, queue_size: 200_000 },
        dlt645: {
          listen: true,
          listen_port: instance.listenPort,
          poll_interval: this.opts.pollInterval,
          // Meters, instances and brokers share two loaded cores here: a slow answer is not a meter gone.
          timeout: 10,
          retries: 2,
          // Every meter reaches the instance from HAProxy's address: lift the per-address guards above the fleet.
          max_meters: n,
          adopt_per_minute: n,
          max_connections: n + 100,
          max_connections_per_ip: n + 100,
        },
      }),
    );
    instance.child = start(process.execPath, ['--max-semi-space-size=8', '--import', 'tsx', 'server/cli.ts', '--options', optionsFile], {
      env: { ...process.env, WATTWIRE_DATA_DIR: dataDir, WATTWIRE_HTTP_PORT: String(instance.httpPort), SUPERVISOR_TOKEN: '' },
      log: this.logOf(`instance-${instance.name}`),
    });
  }

  private async startHaproxy(): Promise<void> {
    this.dialInPort = await freePort();
    const conf = path.join(this.dir, 'haproxy.cfg');
    writeFileSync(conf, haproxyConfig(this.dialInPort, this.instances, this.opts.meters));
    this.haproxy = start(HAPROXY_BINARY, ['-db', '-f', conf], { log: this.logOf('haproxy') });
    await waitFor(() => canConnect(this.dialInPort), { what: 'HAProxy listening', timeoutMs: 30_000 });
  }

  /** Kill an instance (SIGKILL: no goodbye, as when its machine dies). */
  async killInstance(name: string): Promise<void> {
    const instance = this.instances.find((x) => x.name === name);
    await kill(instance?.child);
  }

  async killNode(i: number): Promise<void> {
    await kill(this.nodes[i]!.child);
  }

  async stop(): Promise<void> {
    await kill(this.haproxy);
    for (const instance of this.instances) await kill(instance.child);
    for (const node of this.nodes) await kill(node.child);
    if (!process.env.WATTWIRE_KEEP_SCALEOUT_LOGS) rmSync(this.dir, { recursive: true, force: true });
  }
}

/** HAProxy in TCP mode: the DTUs' connections spread over the instances; a dead one is taken out within seconds. */
export function haproxyConfig(port: number, instances: Pick<Instance, 'name' | 'listenPort'>[], meters: number): string {
  return [
    'global',
    // Each meter is one session (two descriptors: DTU side and instance side).
    `  maxconn ${meters + 500}`,
    'defaults',
    '  mode tcp',
    '  timeout connect 3s',
    // A DTU's connection lives for hours; the meters' own silence is the bridge's business.
    '  timeout client 1h',
    '  timeout server 1h',
    '  retries 2',
    '  option redispatch',
    'frontend dial_in',
    `  bind 127.0.0.1:${port}`,
    '  default_backend wattwire',
    'backend wattwire',
    '  balance leastconn',
    ...instances.map((x) => `  server ${x.name} 127.0.0.1:${x.listenPort} check inter 1s fall 2 rise 2 on-marked-down shutdown-sessions`),
    '',
  ].join('\n');
}
