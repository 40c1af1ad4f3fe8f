/**
 * One GX link: an mqtt.js client (separate from the bridge's own broker connection) to the GX
 * or the VRM broker, the keep-alive, the devices, and W/ and R/ requests with their read-back.
 * Nothing here throws out: connection errors, bad payloads and lapses end up in the log,
 * the devices' status and the diagnostics.
 */
import type { JsonObject } from '../types.ts';
import mqtt, { type MqttClient } from 'mqtt';
import { CommandError, WritesOffError, type DeviceController, type DeviceHandle, type Hub, type Reading } from '../../core/hub.ts';
import type { Logger } from '../../core/logger.ts';
import type { SessionBoundary } from '../../core/sessionBoundary.ts';
import type { RegisterValue } from '../../core/registers.ts';
import { decodePayload, encodeKeepalive, encodeWrite, type GxValue, type KeepaliveRequest } from '../../protocols/victron/payload.ts';
import {
  keepaliveTopic,
  notificationFilter,
  parseNotification,
  requestTopic,
  serialDiscoveryFilter,
  servicePath,
  splitFilterList,
} from '../../protocols/victron/topic.ts';
import { gxEndpoint, type GxEndpoint } from './connection.ts';
import { GxDevices } from './devices.ts';
import { EchoWaiters } from './echoes.ts';
import { KeepaliveScheduler, type KeepaliveTiming } from './keepalive.ts';
import { type VictronSystem, victronListedKey } from './options.ts';
import { VICTRON_REGISTERS } from './registers.ts';

export interface VictronTiming extends KeepaliveTiming {
  writeTimeoutMs: number;
  reconnectMs: number;
}

export const DEFAULT_TIMING: VictronTiming = {
  keepaliveMs: 30_000,
  fullRefreshEvery: 6,
  heartbeatTimeoutMs: 10_000,
  silenceTimeoutMs: 65_000,
  writeTimeoutMs: 5_000,
  reconnectMs: 5_000,
};

/**
 * Paths that tell which services are there and what they are; kept alive with the table on
 * dbus-mqtt, which otherwise expires them with empty payloads one window after the first
 * (full) keep-alive.
 */
/** Retained by both generations; on dbus-mqtt a read of it answers only while the keep-alive gets through. */
const SERIAL_PATH = 'system/0/Serial';

const IDENTITY_FILTERS = [
  '+/+/ProductName',
  '+/+/CustomName',
  '+/+/FirmwareVersion',
  '+/+/Serial',
  '+/+/ProductId',
  '+/+/DeviceInstance',
  '+/+/Connected',
];

export class GxSession {
  private client: MqttClient | undefined;
  private portalId: string | undefined;
  private devices: GxDevices | undefined;
  /** The GX as listed before its portal id is known (its `id`, else its host); replaced once it is. */
  private provisional: DeviceHandle | undefined;
  private keepalive: KeepaliveScheduler | undefined;
  private readonly echoes = new EchoWaiters();
  private readonly endpoint: GxEndpoint;
  private readonly prefix: string;
  private readonly extraFilters: string[];
  private connected = false;
  private everConnected = false;
  private stopped = false;
  private lastError: string | undefined;
  readonly stats = { messagesIn: 0, invalidPayloads: 0, connects: 0, reconnects: 0, writes: 0, expiredUnlisted: 0 };

  constructor(
    private readonly hub: Hub,
    private readonly log: Logger,
    private readonly config: VictronSystem,
    private readonly where: string,
    private readonly timing: VictronTiming,
    /** Client events and timers run inside it: a throw faults this GX's devices and restarts the session. */
    private readonly boundary?: SessionBoundary,
  ) {
    this.endpoint = gxEndpoint(config, timing.reconnectMs);
    this.prefix = config.topic_prefix ?? '';
    this.extraFilters = config.extra_paths ? splitFilterList(config.extra_paths) : [];
  }

  start(): void {
    if (this.config.portal_id) this.adopt(this.config.portal_id.toLowerCase());
    else this.listProvisional();
    this.log.info({ where: this.where, endpoint: this.endpoint.describe }, 'connecting to Victron GX');
    const client = mqtt.connect(this.endpoint.url, this.endpoint.options);
    this.client = client;
    client.on(
      'connect',
      this.guard(() => this.onConnect()),
    );
    client.on(
      'close',
      this.guard(() => this.onClose()),
    );
    client.on(
      'error',
      this.guard((err: Error) => this.onError(err)),
    );
    client.on(
      'message',
      this.guard((topic: string, payload: Buffer) => this.onMessage(topic, payload)),
    );
  }

  /** The hub ids of this GX's devices, for its boundary. */
  deviceIds(): string[] {
    return this.devices?.deviceIds() ?? (this.provisional ? [this.provisional.id] : []);
  }

  /** A GX whose portal id is still to be learnt is listed at once, so a wrong host or login shows. */
  private listProvisional(): void {
    const host = this.endpoint.describe.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
    this.provisional = this.hub.addDevice(
      {
        id: this.config.id ?? `victron_${host}`,
        kind: 'victron',
        name: this.config.name ?? `Victron GX ${this.endpoint.describe}`,
        manufacturer: 'Victron Energy',
        listed: victronListedKey(this.config),
      },
      [],
    );
    this.provisional.setStatus('connecting');
  }

  private guard<A extends unknown[]>(handler: (...args: A) => void): (...args: A) => void {
    return this.boundary ? this.boundary.guard(handler) : handler;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.keepalive?.stop();
    this.devices?.stop();
    this.echoes.rejectAll('the Victron driver stopped');
    const client = this.client;
    this.client = undefined;
    if (client) await client.endAsync(true).catch(() => undefined);
  }

  diagnostics(): JsonObject {
    const ka = this.keepalive;
    const iso = (t: number | undefined) => (t === undefined ? null : new Date(t).toISOString());
    return {
      endpoint: this.endpoint.describe,
      portalId: this.portalId ?? null,
      connected: this.connected,
      generation: ka?.generation ?? 'unknown',
      selectiveKeepalive: ka?.listSupported ?? false,
      keepaliveLapsed: ka?.lapsed ?? false,
      keepalivesSent: ka?.stats.sent ?? 0,
      lastKeepaliveSent: iso(ka?.stats.lastSent),
      lastHeartbeat: iso(ka?.stats.lastHeartbeat),
      lastData: iso(ka?.stats.lastData),
      lastFullPublish: iso(ka?.stats.lastFullPublish),
      lastSerial: iso(ka?.stats.lastSerial),
      lapses: ka?.stats.lapses ?? 0,
      lapsesRecovered: ka?.stats.lapsesRecovered ?? 0,
      messagesIn: this.stats.messagesIn,
      invalidPayloads: this.stats.invalidPayloads,
      expiredUnlisted: this.stats.expiredUnlisted,
      reconnects: this.stats.reconnects,
      lastError: this.lastError ?? null,
    };
  }

  /** The portal id is known (configured, or learnt from the retained serial). */
  private adopt(portalId: string): void {
    this.portalId = portalId;
    const gxId = this.config.id ?? `victron_${portalId}`;
    this.devices = new GxDevices(this.hub, {
      portalId,
      gxId,
      gxName: this.config.name ?? `Victron GX ${portalId}`,
      listed: victronListedKey(this.config),
      allowWrites: this.config.allow_writes,
      extraFilters: this.extraFilters,
      table: VICTRON_REGISTERS,
      controllerFor: (deviceId) => this.controller(deviceId),
      guard: (handler) => this.guard(handler),
    });
    const gx = this.devices.ensureGx();
    gx.setStatus('connecting');
    if (this.provisional && this.provisional.id !== gx.id) void this.hub.removeDevice(this.provisional.id);
    this.provisional = undefined;
    const filters = [...VICTRON_REGISTERS.map((r) => r.id), ...this.extraFilters, ...IDENTITY_FILTERS];
    // Its timers call these: each runs inside the boundary.
    this.keepalive = new KeepaliveScheduler(this.timing, filters, {
      send: this.guard((req: KeepaliveRequest) => this.sendKeepalive(req)),
      readSerial: this.guard(() => this.readSerial()),
      lapsed: this.guard((reason: string) => this.onLapse(reason)),
      recovered: this.guard((afterMs: number) => this.onRecovered(afterMs)),
      stuck: this.guard(() => this.onStuck()),
      changed: this.guard(() => this.pushDiagnostics()),
    });
  }

  private onConnect(): void {
    this.connected = true;
    this.lastError = undefined;
    this.stats.connects++;
    if (this.everConnected) {
      this.stats.reconnects++;
      this.gx()?.event({
        type: 'info',
        event: 'gx_reconnected',
        message: 'Connection to the GX restored (GX reboot or network); keep-alive restarted',
      });
    }
    this.everConnected = true;
    this.log.info({ where: this.where, endpoint: this.endpoint.describe }, 'connected to Victron GX broker');
    const client = this.client;
    if (!client) return;
    if (!this.portalId) {
      client.subscribe(serialDiscoveryFilter(this.prefix), { qos: 0 });
      return;
    }
    this.startKeepalive(client);
  }

  private startKeepalive(client: MqttClient): void {
    if (!this.portalId) return;
    client.subscribe(notificationFilter(this.portalId, this.prefix), { qos: 0 }, (err) => {
      if (err) this.onError(err);
    });
    this.keepalive?.connected();
    this.devices?.setLink(true);
    this.pushDiagnostics();
  }

  private onClose(): void {
    if (!this.connected) return;
    this.connected = false;
    this.keepalive?.disconnected();
    this.echoes.rejectAll('the connection to the GX was lost');
    if (this.stopped) return;
    this.log.warn({ where: this.where, endpoint: this.endpoint.describe }, 'connection to Victron GX lost; reconnecting');
    this.devices?.setLink(false, 'connection to the GX lost');
    this.gx()?.event({
      type: 'warning',
      event: 'gx_connection_lost',
      message: `Connection to ${this.endpoint.describe} lost; reconnecting`,
    });
    this.pushDiagnostics();
  }

  private onError(err: Error): void {
    if (err.message === this.lastError) return;
    this.lastError = err.message;
    this.log.warn({ where: this.where, endpoint: this.endpoint.describe, err: err.message }, 'Victron GX connection error');
    if (!this.connected) {
      this.devices?.setLink(false, err.message);
      // A GX never reached (wrong host or login) is a fault, not an outage to wait out.
      if (!this.everConnected) (this.gx() ?? this.provisional)?.setStatus('fault', `never connected: ${err.message}`);
    }
    this.pushDiagnostics();
  }

  private onMessage(topic: string, payload: Buffer): void {
    this.stats.messagesIn++;
    const note = parseNotification(topic, this.prefix);
    if (!note) return;
    if (!this.portalId) {
      if (note.kind === 'value' && note.path === 'Serial' && payload.length > 0) this.learnPortalId(note.portalId);
      return;
    }
    if (note.portalId !== this.portalId) return;
    const ka = this.keepalive;
    if (note.kind === 'heartbeat') {
      ka?.heartbeat();
      return;
    }
    if (note.kind === 'keepalive') {
      ka?.presenceFlag();
      return;
    }
    if (note.kind === 'full_publish_completed') {
      ka?.fullPublishCompleted();
      this.devices?.flush();
      return;
    }
    if (note.kind !== 'value') return;
    const decoded = decodePayload(payload);
    if (decoded.kind === 'invalid') {
      this.stats.invalidPayloads++;
      this.log.debug({ where: this.where, topic, error: decoded.error }, 'ignored an invalid Victron payload');
      return;
    }
    if (decoded.kind === 'gone' && ka && !ka.keepsAlive(servicePath(note))) {
      this.stats.expiredUnlisted++;
      return;
    }
    if (decoded.kind === 'value') {
      ka?.data();
      if (servicePath(note) === SERIAL_PATH) ka?.serial();
      this.echoes.deliver(servicePath(note), decoded.value);
    }
    // An empty payload is that value gone (or its service leaving), never the GX going offline.
    this.devices?.ingest(note, decoded);
  }

  private learnPortalId(portalId: string): void {
    this.log.info({ where: this.where, portalId }, 'learnt the Victron portal id from the GX');
    this.client?.unsubscribe(serialDiscoveryFilter(this.prefix));
    this.adopt(portalId);
    if (this.client) this.startKeepalive(this.client);
  }

  private sendKeepalive(req: KeepaliveRequest): void {
    if (!this.portalId || !this.client?.connected) return;
    this.client.publish(keepaliveTopic(this.portalId, this.prefix), encodeKeepalive(req), { qos: 0, retain: false });
    this.pushDiagnostics();
  }

  /** dbus-mqtt, after each keep-alive: the answer shows the keep-alive got through. */
  private readSerial(): void {
    if (!this.portalId || !this.client?.connected) return;
    this.client.publish(requestTopic('R', this.portalId, SERIAL_PATH, this.prefix), '', { qos: 0, retain: false });
  }

  private onLapse(reason: string): void {
    this.log.warn({ where: this.where, reason }, 'Victron keep-alive lapsed; renewing');
    this.devices?.setLink(false, `keep-alive lapsed: ${reason}`);
    this.gx()?.event({
      type: 'warning',
      event: 'keepalive_lapsed',
      message: `GX keep-alive lapsed (${reason}); renewing it`,
      data: { reason },
    });
    this.pushDiagnostics();
  }

  private onRecovered(afterMs: number): void {
    this.log.info({ where: this.where, afterMs }, 'Victron keep-alive recovered');
    this.devices?.setLink(true);
    this.gx()?.event({
      type: 'info',
      event: 'keepalive_recovered',
      message: `GX data flowing again after ${Math.round(afterMs / 100) / 10} s`,
      data: { afterMs },
    });
    this.pushDiagnostics();
  }

  /** Keep-alives go out but nothing comes back: start the connection over. */
  private onStuck(): void {
    this.log.warn({ where: this.where }, 'Victron GX does not answer keep-alives; reconnecting');
    this.client?.reconnect();
  }

  private gx(): DeviceHandle | undefined {
    return this.devices?.gxHandle();
  }

  private pushDiagnostics(): void {
    this.gx()?.diagnostics({ victron: this.diagnostics() });
  }

  private controller(deviceId: string): DeviceController {
    return {
      read: (keys) => this.read(deviceId, keys),
      write: (key, value) => this.write(deviceId, key, value),
    };
  }

  private async read(deviceId: string, keys: string[]): Promise<Reading[]> {
    const out: Reading[] = [];
    for (const key of keys) {
      const target = this.devices?.target(deviceId, key);
      if (!target) continue;
      const value = await this.request(target.path, `no answer from the GX for ${target.path}`);
      out.push({ key, value: typeof value === 'object' && value !== null ? JSON.stringify(value) : value });
    }
    return out;
  }

  /**
   * W/ (never retained), then the N/ echo of the new value; if it does not come within half
   * the timeout an R/ asks for the value, and whatever comes back then is the read-back.
   */
  private async write(deviceId: string, key: string, value: RegisterValue): Promise<RegisterValue> {
    if (!this.config.allow_writes) throw new WritesOffError(`Writes are off for device ${deviceId}: turn on allow_writes in its options`);
    const target = this.devices?.target(deviceId, key);
    if (!target?.register.writable) throw new CommandError(`Register "${key}" of ${deviceId} is not writable`);
    const gxValue = typeof value === 'boolean' ? (value ? 1 : 0) : value;
    if (gxValue === null) throw new CommandError(`A value is required for "${key}"`);
    const { min, max } = target.limits ?? {};
    if (typeof gxValue === 'number' && min !== undefined && gxValue < min)
      throw new CommandError(`Value ${gxValue} for "${key}" is below the minimum ${min} the GX publishes`);
    if (typeof gxValue === 'number' && max !== undefined && gxValue > max)
      throw new CommandError(`Value ${gxValue} for "${key}" is above the maximum ${max} the GX publishes`);
    const client = this.client;
    if (!this.portalId || !client?.connected) throw new CommandError(`The GX of ${deviceId} is not connected`);
    this.stats.writes++;
    const echoed = this.echoes.wait(target.path, this.timing.writeTimeoutMs / 2, 'no echo of the new value', (v) => sameValue(v, gxValue));
    client.publish(requestTopic('W', this.portalId, target.path, this.prefix), encodeWrite(gxValue), { qos: 0, retain: false });
    let readBack: GxValue;
    try {
      readBack = await echoed;
    } catch {
      readBack = await this.request(
        target.path,
        `no read-back from the GX for ${target.path} within ${this.timing.writeTimeoutMs / 1000} s`,
        this.timing.writeTimeoutMs / 2,
      );
      if (!sameValue(readBack, gxValue)) {
        throw new CommandError(
          `The GX reads back ${JSON.stringify(readBack)} for ${target.path} instead of ${gxValue} (it may have refused the value)`,
        );
      }
    }
    return typeof readBack === 'object' && readBack !== null ? JSON.stringify(readBack) : readBack;
  }

  /** R/ one path and wait for its N/ answer. */
  private async request(path: string, timeoutMessage: string, timeoutMs = this.timing.writeTimeoutMs): Promise<GxValue> {
    const client = this.client;
    if (!this.portalId || !client?.connected) throw new CommandError('The GX is not connected');
    const answer = this.echoes.wait(path, timeoutMs, timeoutMessage);
    client.publish(requestTopic('R', this.portalId, path, this.prefix), '', { qos: 0, retain: false });
    try {
      return await answer;
    } catch (err) {
      throw new CommandError(err instanceof Error ? err.message : String(err));
    }
  }
}

function sameValue(a: GxValue, b: number | string): boolean {
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b) <= Math.max(1e-6, Math.abs(b) * 1e-6);
  return a === b;
}
