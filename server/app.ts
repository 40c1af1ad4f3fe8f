/**
 * The composition root: hub, MQTT (options, Supervisor or embedded broker), drivers and
 * the web server, with start and an orderly stop.
 */
import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { FastifyInstance } from 'fastify';
import { DeviceLedger } from './core/deviceLedger.ts';
import { Hub } from './core/hub.ts';
import { createLogger, LogRing, type Logger } from './core/logger.ts';
import type { DriverDefinition } from './drivers/definition.ts';
import { DEFINITIONS } from './drivers/registry.ts';
import type { Driver, DriverContext } from './drivers/types.ts';
import { driverActive, pollIntervals, sectionFingerprint } from './driverSections.ts';
import { advertisedHost } from './mqtt/advertisedHost.ts';
import { MqttBridge } from './mqtt/bridge.ts';
import { loadBrokerCredentials } from './mqtt/brokerCredentials.ts';
import { chooseBroker } from './mqtt/brokerSource.ts';
import type { EmbeddedBroker } from './mqtt/embeddedBroker.ts';
import { MqttPublisher } from './mqtt/publisher.ts';
import { RetainedDiscoveryScan } from './mqtt/retainedDiscoveryScan.ts';
import { parseOptions, saveOptions, type Environment } from './options/load.ts';
import type { Options } from './options/schema.ts';
import { PACKAGE_ROOT } from './packageRoot.ts';
import { stillListed, unlistedDevices } from './unlistedDevices.ts';
import type { BrokerInfo, BrokerLogin, WebContext } from './web/context.ts';
import { ROUTE_MODULES } from './web/routes/index.ts';
import { webExposure, type WebExposure } from './web/exposure.ts';
import { createWebServer } from './web/server.ts';

export const VERSION: string = PACKAGE_ROOT.version;

export interface AppSettings {
  options: Options;
  env: Environment;
  /** Problems found while loading the options (sections that fell back to defaults). */
  optionErrors?: { where: string; message: string }[];
  log?: Logger;
  /** Bind address of the embedded broker (the web server's comes from the environment). */
  host?: string;
  web?: boolean;
  uiDir?: string;
  birthDelayMs?: number;
  statsIntervalMs?: number;
  /** How long a restarted driver has to register its devices again before unlisted ones go. */
  removalGraceMs?: number;
  /** How long after connecting retained discovery is collected, and after the start it is swept. */
  staleDiscovery?: { windowMs: number; graceMs: number };
}

const REMOVAL_GRACE_MS = 60_000;
/** Generous: a polled meter slow to answer after a restart keeps its entities meanwhile. */
const STALE_DISCOVERY = { windowMs: 10_000, graceMs: 5 * 60_000 };

export class WattwireApp {
  readonly hub = new Hub();
  readonly log: Logger;
  readonly logRing = new LogRing();
  readonly startedAt = Date.now();
  readonly drivers = new Map<string, Driver>();
  private options: Options;
  private readonly configErrors: { where: string; message: string }[] = [];
  /** Per driver kind, so that a restart of one driver clears only its own. */
  private readonly driverErrors = new Map<string, { where: string; message: string }[]>();
  private publisher: MqttPublisher | undefined;
  private bridge: MqttBridge | undefined;
  private embedded: EmbeddedBroker | undefined;
  private embeddedLogin: BrokerLogin | undefined;
  private brokerSource: BrokerInfo['source'] = 'embedded';
  private brokerUrl = '';
  private web: FastifyInstance | undefined;
  private ledger: DeviceLedger | undefined;
  private discoveryScan: RetainedDiscoveryScan | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private readonly removalTimers = new Map<string, NodeJS.Timeout>();
  private stopping = false;
  /** Settles once retained discovery of devices that no longer exist has been cleared (or nothing was to be). */
  staleDiscoverySwept: Promise<string[]> = Promise.resolve([]);
  private readonly loopDelay = monitorEventLoopDelay({ resolution: 20 });
  webUrl = '';

  constructor(private readonly settings: AppSettings) {
    this.options = settings.options;
    this.log = settings.log ?? createLogger(settings.options.log_level, process.stdout, this.logRing, settings.options.log_format);
    this.configErrors.push(...(settings.optionErrors ?? []));
    for (const e of this.configErrors) this.log.warn(`options: ${e.where}: ${e.message}`);
  }

  async start(): Promise<void> {
    const { env } = this.settings;
    // A web setting that would expose the API stops the start before anything listens.
    const exposure = this.settings.web === false ? undefined : webExposure(env);
    await mkdir(env.dataDir, { recursive: true });
    this.loopDelay.enable();
    this.ledger = new DeviceLedger(path.join(env.dataDir, 'devices.json'), this.log);
    await this.ledger.load();
    this.ledger.track(this.hub);
    await this.startMqtt();
    for (const definition of DEFINITIONS) await this.startDriver(definition);
    this.staleDiscoverySwept = this.sweepStaleDiscovery();
    if (exposure) await this.startWeb(exposure);
  }

  private async startMqtt(): Promise<void> {
    const { env } = this.settings;
    const mqttOpts = this.options.mqtt;
    const target = await chooseBroker(mqttOpts, env.supervisorToken, this.log);
    let url: string;
    let login: { username?: string; password?: string };
    if (target.source === 'embedded') {
      const host = this.settings.host ?? '0.0.0.0';
      const credentials = await loadBrokerCredentials(env.dataDir, this.log);
      // aedes and ws are loaded only when this broker runs (most installs use Mosquitto).
      const { startEmbeddedBroker } = await import('./mqtt/embeddedBroker.ts');
      this.embedded = await startEmbeddedBroker({
        port: env.mqttPort,
        wsPort: env.mqttWsPort,
        host,
        credentials,
        maxPacketBytes: mqttOpts.max_packet_kb * 1024,
        log: this.log,
      });
      this.embeddedLogin = { host: advertisedHost(host), port: this.embedded.port, wsPort: this.embedded.wsPort, ...credentials };
      url = `mqtt://127.0.0.1:${this.embedded.port}`;
      login = credentials;
      this.log.info(
        `embedded MQTT broker on port ${this.embedded.port} (WebSocket ${this.embedded.wsPort}), user ${credentials.username}; the password is in the panel`,
      );
    } else {
      url = target.url;
      login = target;
    }
    const servers = target.source === 'embedded' ? undefined : target.servers;
    this.brokerSource = target.source;
    this.brokerUrl = url;
    const bridgeTopic = mqttOpts.bridge_topic;
    this.publisher = new MqttPublisher(
      {
        url,
        servers,
        // A cluster keeps the session while the bridge moves between nodes, under an id that survives restarts.
        persistentSession: servers !== undefined,
        username: login.username,
        password: login.password,
        clientId: servers ? `wattwire-${bridgeTopic.replace(/[^A-Za-z0-9]/g, '_')}` : `wattwire-${os.hostname()}-${process.pid}`,
        will: { topic: `${bridgeTopic}/status`, payload: JSON.stringify({ status: 'offline', name: 'Wattwire', version: VERSION }) },
        queueSize: mqttOpts.queue_size,
      },
      this.log,
    );
    this.bridge = new MqttBridge(
      this.hub,
      this.publisher,
      {
        base: mqttOpts.base_topic,
        bridge: bridgeTopic,
        discoveryPrefix: mqttOpts.discovery_prefix,
        sharedFleet: mqttOpts.shared_fleet,
        version: VERSION,
        name: 'Wattwire',
        birthDelayMs: this.settings.birthDelayMs,
        statsIntervalMs: this.settings.statsIntervalMs,
        extraStats: () => ({ polling: this.pollingStats(), process: this.processStats() }),
        ...(this.embedded ? { brokerClients: this.embedded.clients } : {}),
      },
      this.log,
    );
    this.bridge.start();
    this.discoveryScan = new RetainedDiscoveryScan(
      this.publisher,
      this.bridge.topics,
      (this.settings.staleDiscovery ?? STALE_DISCOVERY).windowMs,
    );
    this.discoveryScan.start();
    this.publisher.start();
  }

  /**
   * Clear the retained discovery, status and state of ids this instance published before but
   * that no longer exist: not in the hub once the drivers had a grace period, and either
   * unknown to the device ledger or of an options entry or driver that is gone. A dial-in meter
   * that has not redialed yet keeps its discovery (and Home Assistant its entities). Without a
   * ledger (the first start of this version) nothing can be told apart and nothing is cleared.
   */
  private async sweepStaleDiscovery(): Promise<string[]> {
    const { graceMs } = this.settings.staleDiscovery ?? STALE_DISCOVERY;
    const scan = this.discoveryScan;
    const ledger = this.ledger;
    if (!scan || !ledger) return [];
    const grace = new Promise<void>((resolve) => {
      this.sweepTimer = setTimeout(resolve, graceMs);
      this.sweepTimer.unref();
    });
    const [retained] = await Promise.all([scan.done, grace]);
    if (!ledger.existed || !this.bridge || this.stopping) return [];
    const gone = (id: string) => {
      if (this.hub.get(id)) return false;
      const entry = ledger.get(id);
      return entry === undefined || !stillListed(this.options, entry);
    };
    const cleared = [...retained].filter(gone);
    for (const id of cleared) {
      this.bridge.clearRetained(id);
      this.log.info(`device ${id} no longer exists: its retained discovery, status and state are cleared`);
    }
    for (const id of ledger.ids()) if (gone(id)) ledger.delete(id);
    return cleared;
  }

  /** Memory and event-loop delay (p99 since the last call), for the soak and the UI. */
  private processStats(): Record<string, number> {
    const mem = process.memoryUsage();
    const p99 = this.loopDelay.percentile(99) / 1e6;
    this.loopDelay.reset();
    const mb = (bytes: number) => Math.round(bytes / 1048576);
    return {
      rssMb: mb(mem.rss),
      heapUsedMb: mb(mem.heapUsed),
      heapTotalMb: mb(mem.heapTotal),
      externalMb: mb(mem.external),
      eventLoopDelayP99Ms: Number(p99.toFixed(2)),
    };
  }

  /**
   * IVY's `polling` (seeds/002): whether a running driver polls, its shortest interval (ms)
   * and when a polled device last gave readings (ms, null before the first).
   */
  private pollingStats(): Record<string, unknown> {
    const running = DEFINITIONS.filter((d) => this.drivers.has(d.kind));
    const polling: string[] = running.filter((d) => pollIntervals(this.options, d).length > 0).map((d) => d.kind);
    const intervals = running.flatMap((d) => pollIntervals(this.options, d));
    const lastRuns = this.hub
      .list()
      .filter((d) => polling.includes(d.info.kind))
      .map((d) => d.counters.lastReadingAt ?? 0);
    const lastRun = Math.max(0, ...lastRuns);
    return {
      enabled: intervals.length > 0,
      interval: intervals.length > 0 ? Math.min(...intervals) * 1000 : null,
      lastRun: lastRun > 0 ? lastRun : null,
      drivers: [...this.drivers.keys()],
    };
  }

  private driverContext(kind: string, dialIn: DriverContext['dialIn']): DriverContext {
    return {
      dialIn,
      hub: this.hub,
      log: this.log.child({ driver: kind }),
      options: this.options,
      dataDir: this.settings.env.dataDir,
      reportConfigError: (where, message) => {
        this.driverErrorsOf(kind).push({ where, message });
        this.log.warn(`options: ${where}: ${message}; this device is skipped`);
      },
    };
  }

  private driverErrorsOf(kind: string): { where: string; message: string }[] {
    const errors = this.driverErrors.get(kind) ?? [];
    this.driverErrors.set(kind, errors);
    return errors;
  }

  /** Loads the driver's code only now that it has something to do. */
  private async startDriver(definition: DriverDefinition): Promise<void> {
    const { kind } = definition;
    if (!driverActive(this.options, definition)) return;
    this.driverErrors.delete(kind);
    try {
      const { createDriver } = await definition.load();
      const dialIn = definition.acceptsDialIn
        ? await Promise.all(DEFINITIONS.flatMap((d) => ('dialIn' in d ? [d.dialIn()] : [])))
        : undefined;
      const driver = createDriver(this.driverContext(kind, dialIn));
      await driver.start();
      this.drivers.set(kind, driver);
    } catch (err) {
      const message = (err as Error).message;
      this.driverErrorsOf(kind).push({ where: kind, message });
      this.log.error(`driver ${kind} could not start: ${message}`);
    }
  }

  private async stopDriver(kind: string): Promise<void> {
    const driver = this.drivers.get(kind);
    if (!driver) return;
    this.drivers.delete(kind);
    try {
      await withTimeout(driver.stop(), 5000, `driver ${kind} did not stop within 5 s`);
    } catch (err) {
      this.log.warn((err as Error).message);
    }
  }

  private async startWeb(exposure: WebExposure): Promise<void> {
    const { env } = this.settings;
    this.web = await createWebServer(this.webContext(), {
      ingressOnly: exposure.ingressOnly,
      token: exposure.token,
      uiDir: this.settings.uiDir ?? path.join(PACKAGE_ROOT.dir, 'ui', 'dist'),
      routeModules: ROUTE_MODULES,
    });
    await this.web.listen({ port: env.httpPort, host: exposure.host });
    const addr = this.web.server.address();
    const port = typeof addr === 'object' && addr ? addr.port : env.httpPort;
    this.webUrl = `http://${reachableHost(exposure.host)}:${port}/`;
    this.log.info(`web UI on ${this.webUrl}`);
  }

  brokerInfo(): BrokerInfo {
    return {
      source: this.brokerSource,
      url: this.brokerUrl,
      connected: this.publisher?.connected ?? false,
      queued: this.publisher?.queued ?? 0,
      dropped: this.publisher?.counters.dropped ?? 0,
      published: this.publisher?.counters.published ?? 0,
    };
  }

  /** The embedded broker's address and login (harnesses and tests connect with it); undefined when another broker is in use. */
  brokerLogin(): BrokerLogin | undefined {
    return this.embeddedLogin;
  }

  get currentOptions(): Options {
    return this.options;
  }

  webContext(): WebContext {
    return {
      hub: this.hub,
      log: this.log,
      version: VERSION,
      startedAt: this.startedAt,
      dataDir: this.settings.env.dataDir,
      broker: () => this.brokerInfo(),
      brokerLogin: () => this.brokerLogin(),
      stats: () => this.bridge?.statsPayload() ?? {},
      recentLogs: () => this.logRing.recent(),
      configErrors: () => [...this.configErrors, ...[...this.driverErrors.values()].flat()],
      options: () => this.options,
      saveOptions: (next) => this.applyOptions(next),
      drivers: () => this.drivers,
      removeDevice: (id) => this.hub.removeDevice(id),
    };
  }

  /**
   * Validate and save new options, then restart only the drivers whose sections changed,
   * so a device added in the UI starts without restarting the add-on.
   */
  async applyOptions(next: unknown): Promise<Options> {
    const parsed = parseOptions(next);
    await saveOptions(parsed, this.settings.env);
    const previous = this.options;
    this.options = parsed;
    for (const definition of DEFINITIONS) {
      const { kind } = definition;
      if (sectionFingerprint(previous, definition) === sectionFingerprint(parsed, definition)) continue;
      this.log.info(`options for ${kind} changed: restarting that driver`);
      await this.stopDriver(kind);
      await this.startDriver(definition);
      this.scheduleUnlistedRemoval(definition);
    }
    return parsed;
  }

  /**
   * After a driver restarted, the devices whose options entry is gone are removed (hub record
   * and retained topics). The grace lets the driver register its devices again first: a device
   * it re-registers carries its current entry. Without a driver nothing re-registers: at once.
   */
  private scheduleUnlistedRemoval(definition: DriverDefinition): void {
    const { kind } = definition;
    clearTimeout(this.removalTimers.get(kind));
    const remove = async () => {
      this.removalTimers.delete(kind);
      for (const rec of unlistedDevices(this.hub, this.options, kind)) {
        this.log.info(`device ${rec.info.id} is no longer in the options: removed`);
        // A controller's own clean-up failing must not leave the others in place.
        await this.hub.removeDevice(rec.info.id).catch((err: Error) => this.log.warn(`removing ${rec.info.id}: ${err.message}`));
      }
    };
    if (!driverActive(this.options, definition)) {
      void remove();
      return;
    }
    const timer = setTimeout(() => void remove(), this.settings.removalGraceMs ?? REMOVAL_GRACE_MS);
    timer.unref();
    this.removalTimers.set(kind, timer);
  }

  /** Stop everything: drivers first, then MQTT (bridge offline), the web server, the broker. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.loopDelay.disable();
    clearTimeout(this.sweepTimer);
    for (const timer of this.removalTimers.values()) clearTimeout(timer);
    this.discoveryScan?.stop();
    for (const kind of [...this.drivers.keys()]) await this.stopDriver(kind);
    await this.ledger?.close();
    await this.bridge?.stop();
    await this.web?.close();
    await this.embedded?.close();
  }
}

/** The address a local client uses for a bind address (a wildcard is reached over loopback). */
function reachableHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '[::]') return '127.0.0.1';
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(message)), ms);
    }),
  ]);
}
