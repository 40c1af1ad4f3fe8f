/**
 * A Victron GX as its MQTT clients see it, in either generation (victron-venus-mqtt.md §3):
 * - `flashmq` (Venus ≥ 3.20): nothing retained but the serial, a full republish on each plain
 *   keep-alive (token bucket of 3), `suppress-republish`, `full-publish-completed-echo`,
 *   `N/<id>/full_publish_completed`, and a heartbeat while alive.
 * - `dbus-mqtt` (Venus < 3.20): every N/ message retained, a selective keep-alive topic list,
 *   the `N/<id>/keepalive` presence flag. Each filter a keep-alive names (an empty one names
 *   `#`) stays alive for the keep-alive window; a topic no live filter matches any more is
 *   expired with an empty retained payload: all of them at a keep-alive timeout, and those a
 *   later, narrower list leaves out one window after the keep-alive that covered them.
 *   A read of `system/0/Serial` (the traditional keep-alive: any read keeps it alive) renews the
 *   topics in force, `#` when none are, and is answered with the serial.
 * Both stop publishing changes when the keep-alive times out, apply W/ writes with an N/ echo,
 * answer R/ reads, and send empty payloads for every path of a service that leaves the bus.
 * Built from the protocol reference, not from the driver.
 */
import net from 'node:net';
import { Aedes, type AedesPublishPacket } from 'aedes';
import { loadCapture, type SimItem } from './capture.ts';

export type Generation = 'flashmq' | 'dbus-mqtt';

export interface GxSimOptions {
  generation?: Generation;
  port?: number;
  host?: string;
  portalId?: string;
  /** 60 s on a real GX; tests scale it down. */
  keepaliveTimeoutMs?: number;
  /** flashmq heartbeat period, ~3 s on a real GX. */
  heartbeatMs?: number;
  /** How often values drift (0: never). */
  changeMs?: number;
  /** kWh each energy counter gains per drift (0: they stay as captured). */
  counterGrowthKwh?: number;
  username?: string;
  password?: string;
}

export interface SimWrite {
  path: string;
  payload: string;
  retain: boolean;
}

/** Paths every D-Bus service has besides its values (Victron's D-Bus API); the capture leaves them out. */
const HOUSEKEEPING: Record<string, (service: string, instance: string) => unknown> = {
  DeviceInstance: (_s, instance) => Number(instance),
  Connected: () => 1,
  ProductId: (service) => 0xa000 + service.length,
  'Mgmt/ProcessName': (service) => `/opt/victronenergy/dbus-${service}/dbus_${service}.py`,
  'Mgmt/ProcessVersion': () => '1.0',
  'Mgmt/Connection': (service) => (service === 'system' || service === 'settings' ? 'local' : 'VE.Bus/VE.Direct'),
};

/** Energy counters (kWh) that grow while their service is on the bus. */
const COUNTER = /\/(Energy\/(Forward|Reverse)|Yield\/(User|System))$/;

/** Paths a client may change through W/ besides everything under `settings/`. */
const WRITABLE = [
  /^vebus\/\d+\/(Mode|Ac\/ActiveIn\/CurrentLimit|Hub4\/.+)$/,
  /^solarcharger\/\d+\/Mode$/,
  /^evcharger\/\d+\/(Mode|StartStop|SetCurrent)$/,
  /^system\/0\/Relay\/\d+\/State$/,
  /^settings\/0\/Settings\/.+$/,
];

export class GxSimulator {
  readonly generation: Generation;
  readonly portalId: string;
  readonly host: string;
  port: number;
  readonly writes: SimWrite[] = [];
  readonly stats = { keepalives: 0, fullPublishes: 0, published: 0, timeouts: 0, expiredTopics: 0 };

  private readonly items = new Map<string, SimItem>();
  private readonly absent = new Map<string, SimItem[]>();
  private readonly keepaliveTimeoutMs: number;
  private readonly heartbeatMs: number;
  private readonly changeMs: number;
  private broker: Aedes | undefined;
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  private aliveUntil = 0;
  private expiry: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private drift: NodeJS.Timeout | undefined;
  /** dbus-mqtt: the topic filters of the last keep-alive. */
  private filters: string[] = ['#'];
  /** dbus-mqtt: every filter still alive, with the time it expires. */
  private readonly liveFilters = new Map<string, number>();
  /** dbus-mqtt: paths published with a value (retained) and not expired since. */
  private readonly retained = new Set<string>();
  private sweeper: NodeJS.Timeout | undefined;
  private deafUntil = 0;
  private tokens = 3;
  private tokensAt = Date.now();
  private tick = 0;
  /** Counter values before float32 rounding, so growth smaller than a float32 step adds up. */
  private readonly exactCounters = new Map<string, number>();
  private countersFrozen = false;

  constructor(private readonly opts: GxSimOptions = {}) {
    const capture = loadCapture();
    this.generation = opts.generation ?? 'flashmq';
    this.portalId = opts.portalId ?? capture.portalId;
    this.host = opts.host ?? '127.0.0.1';
    this.port = opts.port ?? 0;
    this.keepaliveTimeoutMs = opts.keepaliveTimeoutMs ?? 60_000;
    this.heartbeatMs = opts.heartbeatMs ?? 3000;
    this.changeMs = opts.changeMs ?? 1000;
    for (const item of capture.items) {
      this.items.set(item.path, { ...item, value: item.path === 'system/0/Serial' ? this.portalId : item.value });
    }
    const services = new Set(capture.items.map((i) => i.path.split('/').slice(0, 2).join('/')));
    for (const serviceInstance of services) {
      const [service = '', instance = ''] = serviceInstance.split('/');
      for (const [path, value] of Object.entries(HOUSEKEEPING)) {
        const full = `${serviceInstance}/${path}`;
        if (!this.items.has(full)) this.items.set(full, { path: full, value: value(service, instance) });
      }
    }
  }

  static async start(opts: GxSimOptions = {}): Promise<GxSimulator> {
    const sim = new GxSimulator(opts);
    await sim.open();
    return sim;
  }

  get alive(): boolean {
    return Date.now() < this.aliveUntil;
  }

  /** dbus-mqtt: the filters a keep-alive keeps alive right now. */
  get keptAlive(): string[] {
    return [...this.liveFilters.keys()];
  }

  get url(): string {
    return `mqtt://${this.host}:${this.port}`;
  }

  /** Current value of a path, or undefined when it is not on the bus. */
  value(path: string): unknown {
    return this.items.get(path)?.value;
  }

  private async open(): Promise<void> {
    const broker = await Aedes.createBroker({
      authenticate: (_client, username, password, done) => {
        if (this.opts.username === undefined) return done(null, true);
        const ok = username === this.opts.username && password?.toString() === this.opts.password;
        done(ok ? null : Object.assign(new Error('bad username or password'), { returnCode: 4 }), ok);
      },
    });
    broker.on('publish', (packet, client) => {
      if (client) this.onClientPublish(packet);
    });
    this.broker = broker;
    const server = net.createServer((socket) => {
      this.sockets.add(socket);
      socket.setNoDelay(true);
      socket.on('close', () => this.sockets.delete(socket));
      broker.handle(socket);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, this.host, () => resolve());
    });
    this.server = server;
    this.port = (server.address() as net.AddressInfo).port;
    // Both generations retain the serial, so clients can learn the portal id.
    this.send('system/0/Serial', true);
    if (this.generation === 'dbus-mqtt') {
      this.raw(`N/${this.portalId}/keepalive`, JSON.stringify({ value: 1 }), true);
      this.sweeper = setInterval(() => this.expireTopics(), Math.max(20, this.keepaliveTimeoutMs / 10));
    }
    if (this.changeMs > 0) {
      this.drift = setInterval(() => {
        this.publishChanges(3);
        this.growCounters();
      }, this.changeMs);
    }
  }

  async stop(): Promise<void> {
    this.clearTimers();
    clearInterval(this.drift);
    this.drift = undefined;
    const broker = this.broker;
    const server = this.server;
    this.broker = undefined;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    if (broker) await new Promise<void>((resolve) => broker.close(() => resolve()));
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** A reboot: the broker goes away for `downMs`, then comes back with no keep-alive state. */
  async restart(downMs = 200): Promise<void> {
    await this.powerOff();
    await new Promise((r) => setTimeout(r, downMs));
    await this.powerOn();
  }

  /** The first half of a reboot: the broker and every connection go away, the keep-alive state with them. */
  async powerOff(): Promise<void> {
    await this.stop();
    this.aliveUntil = 0;
    this.filters = ['#'];
    this.liveFilters.clear();
    this.retained.clear();
    this.tokens = 3;
  }

  /** The second half: the broker is back on the same port. */
  async powerOn(): Promise<void> {
    await this.open();
  }

  /** Fault: keep-alives are lost for `ms` (a flaky link or bridge), so the keep-alive times out now. */
  loseKeepalives(ms: number): void {
    this.deafUntil = Date.now() + ms;
    if (this.aliveUntil > 0) this.timeout();
  }

  /** Keep-alives get through again (ends `loseKeepalives`); the GX publishes once the next one arrives. */
  hearKeepalives(): void {
    this.deafUntil = 0;
  }

  /** Energy counters stop growing (the chaos run's final comparison). */
  freezeCounters(): void {
    this.countersFrozen = true;
  }

  /** A service leaves the D-Bus (e.g. an MPPT at dusk): an empty payload on each of its topics. */
  removeService(serviceInstance: string): void {
    const gone = [...this.items.values()].filter((i) => i.path.startsWith(`${serviceInstance}/`));
    for (const item of gone) {
      this.items.delete(item.path);
      this.retained.delete(item.path);
      if (this.alive && this.wanted(item.path)) this.raw(`N/${this.portalId}/${item.path}`, '', this.generation === 'dbus-mqtt');
    }
    this.absent.set(serviceInstance, gone);
  }

  /** The service comes back and publishes all its paths. */
  restoreService(serviceInstance: string): void {
    for (const item of this.absent.get(serviceInstance) ?? []) {
      this.items.set(item.path, item);
      if (this.alive) this.sendIfWanted(item.path);
    }
    this.absent.delete(serviceInstance);
  }

  /**
   * dbus-mqtt clears one retained topic (an empty retained payload), as it does for a topic
   * whose keep-alive filter expired; the value stays on the bus and returns with the next
   * publish of it.
   */
  expireTopic(path: string): void {
    this.retained.delete(path);
    this.stats.expiredTopics++;
    this.raw(`N/${this.portalId}/${path}`, '', this.generation === 'dbus-mqtt');
  }

  /** A payload that is not JSON, on a real topic: clients must survive it. */
  sendGarbage(path = 'system/0/Dc/Battery/Soc'): void {
    this.raw(`N/${this.portalId}/${path}`, '{"value":', false);
  }

  /** Let `count` measured values drift and publish them (if alive). */
  publishChanges(count: number): void {
    const drifting = [...this.items.values()].filter(
      (i) => typeof i.value === 'number' && !/^settings\/|\/Hub4\//.test(i.path) && /(Power|\/P|Current|\/I|Soc)$/.test(i.path),
    );
    if (drifting.length === 0) return;
    for (let n = 0; n < count; n++) {
      const item = drifting[this.tick++ % drifting.length];
      if (!item) break;
      const v = item.value as number;
      const next = item.path.endsWith('Soc') ? Math.min(100, Math.max(0, v + (Math.random() - 0.5))) : v * (0.98 + Math.random() * 0.04);
      // float32 artefacts like a real GX
      item.value = Math.fround(next);
      if (this.alive) this.sendIfWanted(item.path);
    }
  }

  /** Every energy counter of a service on the bus gains `counterGrowthKwh`; published as float32, like the rest. */
  growCounters(): void {
    const growth = this.opts.counterGrowthKwh ?? 0;
    if (growth <= 0 || this.countersFrozen) return;
    for (const item of this.items.values()) {
      if (!COUNTER.test(item.path) || typeof item.value !== 'number') continue;
      const exact = (this.exactCounters.get(item.path) ?? item.value) + growth;
      this.exactCounters.set(item.path, exact);
      const shown = Math.fround(exact);
      if (shown === item.value) continue;
      item.value = shown;
      if (this.alive) this.sendIfWanted(item.path);
    }
  }

  private onClientPublish(packet: AedesPublishPacket): void {
    const [, verb, portalId, rest] = /^([RW])\/([^/]+)\/(.+)$/.exec(packet.topic) ?? [];
    if (portalId !== this.portalId || rest === undefined) return;
    const payload = Buffer.from(packet.payload).toString('utf8');
    if (verb === 'R' && (rest === 'keepalive' || rest === 'system/0/Serial')) this.onKeepalive(payload, rest === 'system/0/Serial');
    else if (verb === 'R') this.onRead(rest);
    else this.onWrite(rest, payload, packet.retain);
  }

  private onKeepalive(payload: string, legacy: boolean): void {
    if (Date.now() < this.deafUntil) return;
    this.stats.keepalives++;
    const wasAlive = this.alive;
    this.aliveUntil = Date.now() + this.keepaliveTimeoutMs;
    clearTimeout(this.expiry);
    this.expiry = setTimeout(() => this.timeout(), this.keepaliveTimeoutMs);
    if (this.generation === 'flashmq') {
      this.startHeartbeat();
      const { suppress, echo } = parseFlashmqOptions(payload);
      if (!suppress && this.takeToken()) this.fullPublish(echo);
      return;
    }
    const filters = legacy ? (wasAlive ? this.filters : ['#']) : parseTopicList(payload);
    const changed = filters.join('\n') !== this.filters.join('\n');
    this.filters = filters;
    for (const f of filters) this.liveFilters.set(f, this.aliveUntil);
    if (!wasAlive || changed) this.fullPublish();
    if (legacy) this.send('system/0/Serial', true);
  }

  private onRead(rest: string): void {
    if (rest.includes('+') || rest.includes('#')) return;
    if (this.items.has(rest)) {
      this.send(rest, this.generation === 'dbus-mqtt');
      return;
    }
    // flashmq answers a read on a sub-tree with every path below it
    if (this.generation === 'flashmq') for (const p of this.items.keys()) if (p.startsWith(`${rest}/`)) this.send(p, false);
  }

  private onWrite(path: string, payload: string, retain: boolean): void {
    this.writes.push({ path, payload, retain });
    const item = this.items.get(path);
    if (!item || !WRITABLE.some((re) => re.test(path))) return;
    let value: unknown;
    try {
      value = (JSON.parse(payload) as { value?: unknown }).value;
    } catch {
      return;
    }
    // D-Bus refuses out-of-range values; the GX only logs it, so no echo.
    if (typeof value !== 'number' && typeof value !== 'string') return;
    if (typeof value === 'number' && ((item.min !== undefined && value < item.min) || (item.max !== undefined && value > item.max))) return;
    item.value = value;
    this.send(path, this.generation === 'dbus-mqtt');
  }

  private timeout(): void {
    this.stats.timeouts++;
    clearTimeout(this.expiry);
    this.aliveUntil = 0;
    this.stopHeartbeat();
    if (this.generation === 'dbus-mqtt') {
      this.liveFilters.clear();
      this.expireTopics();
    }
  }

  /** dbus-mqtt: drop the filters whose window is over and clear every retained topic no live filter keeps. */
  private expireTopics(): void {
    const now = Date.now();
    for (const [filter, until] of this.liveFilters) if (until <= now) this.liveFilters.delete(filter);
    for (const path of this.retained) {
      // The serial and the presence flag are never cleared.
      if (path === 'system/0/Serial' || this.wanted(path)) continue;
      this.retained.delete(path);
      this.stats.expiredTopics++;
      this.raw(`N/${this.portalId}/${path}`, '', true);
    }
  }

  private fullPublish(echo?: string): void {
    this.stats.fullPublishes++;
    for (const path of this.items.keys()) this.sendIfWanted(path);
    if (this.generation === 'flashmq') {
      const body: Record<string, unknown> = echo !== undefined ? { 'full-publish-completed-echo': echo } : {};
      body.value = Math.floor(Date.now() / 1000);
      this.raw(`N/${this.portalId}/full_publish_completed`, JSON.stringify(body), false);
    }
  }

  private takeToken(): boolean {
    const now = Date.now();
    this.tokens = Math.min(3, this.tokens + ((now - this.tokensAt) * 3) / 1000);
    this.tokensAt = now;
    if (this.tokens < 1) return false;
    this.tokens--;
    return true;
  }

  private startHeartbeat(): void {
    if (this.heartbeat) return;
    this.heartbeat = setInterval(() => {
      if (this.alive) this.raw(`N/${this.portalId}/heartbeat`, JSON.stringify({ value: Math.floor(Date.now() / 1000) }), false);
    }, this.heartbeatMs);
  }

  private stopHeartbeat(): void {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }

  private clearTimers(): void {
    clearTimeout(this.expiry);
    clearInterval(this.sweeper);
    this.sweeper = undefined;
    this.stopHeartbeat();
  }

  private wanted(path: string): boolean {
    if (this.generation === 'flashmq') return true;
    const now = Date.now();
    for (const [filter, until] of this.liveFilters) if (until > now && topicFilterMatches(filter, path)) return true;
    return false;
  }

  private sendIfWanted(path: string): void {
    if (this.wanted(path)) this.send(path, this.generation === 'dbus-mqtt' || path === 'system/0/Serial');
  }

  private send(path: string, retain: boolean): void {
    const item = this.items.get(path);
    if (!item) return;
    if (this.generation === 'dbus-mqtt') this.retained.add(path);
    this.raw(`N/${this.portalId}/${path}`, this.encode(item), retain);
  }

  private encode(item: SimItem): string {
    if (this.generation === 'dbus-mqtt') return `{"value": ${JSON.stringify(item.value)}}`;
    // flashmq: compact JSON, keys in alphabetical order
    const body: Record<string, unknown> = {};
    if (item.max !== undefined) body.max = item.max;
    if (item.min !== undefined) body.min = item.min;
    body.value = item.value;
    return JSON.stringify(body);
  }

  private raw(topic: string, payload: string, retain: boolean): void {
    const broker = this.broker;
    if (!broker) return;
    this.stats.published++;
    broker.publish({ cmd: 'publish', topic, payload: Buffer.from(payload), qos: 0, retain, dup: false }, () => undefined);
  }
}

function parseFlashmqOptions(payload: string): { suppress: boolean; echo?: string } {
  let json: unknown;
  try {
    json = payload === '' ? {} : JSON.parse(payload);
  } catch {
    return { suppress: false };
  }
  const options = (json as { 'keepalive-options'?: unknown })?.['keepalive-options'];
  if (!Array.isArray(options)) return { suppress: false };
  let echo: string | undefined;
  for (const o of options) {
    if (o && typeof o === 'object' && typeof (o as Record<string, unknown>)['full-publish-completed-echo'] === 'string') {
      echo = (o as Record<string, string>)['full-publish-completed-echo'];
    }
  }
  return { suppress: options.includes('suppress-republish'), echo };
}

/** dbus-mqtt reads the payload as a topic list; anything else is taken as one (useless) filter name. */
function parseTopicList(payload: string): string[] {
  if (payload.trim() === '') return ['#'];
  try {
    const json: unknown = JSON.parse(payload);
    if (Array.isArray(json)) return json.filter((x): x is string => typeof x === 'string');
    if (json && typeof json === 'object') return Object.keys(json);
  } catch {
    // not JSON: dbus-mqtt would fail to parse it and keep nothing specific alive
  }
  return [];
}

function topicFilterMatches(filter: string, path: string): boolean {
  const re = new RegExp(
    `^${filter
      .split('/')
      .map((p) => (p === '+' ? '[^/]+' : p === '#' ? '.*' : p.replace(/[.*?^${}()|[\]\\]/g, '\\$&')))
      .join('/')}$`,
  );
  return re.test(path) || (filter.endsWith('/#') && path === filter.slice(0, -2));
}
