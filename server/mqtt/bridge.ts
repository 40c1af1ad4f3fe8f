/**
 * Publishes the hub to MQTT (discovery, state, telemetry, status, events, bridge status
 * and stats) and takes commands from it. Everything retained is re-published on every
 * (re)connect and after Home Assistant's birth message.
 */
import type { DeviceRecord, Hub, PublishedReading } from '../core/hub.ts';
import { ivyQuantity } from '../core/ivyUnits.ts';
import type { Logger } from '../core/logger.ts';
import { readingsPayload } from './readingsPayload.ts';
import { executeCommand } from './commands.ts';
import { deviceTopic, discoveryPayload, discoveryTopic, type TopicConfig } from './discovery.ts';
import type { MqttPublisher } from './publisher.ts';
import { SharedFleet } from './sharedFleet.ts';

export interface BridgeConfig extends TopicConfig {
  name: string;
  /** Delay before answering Home Assistant's birth (jittered), so HA has subscribed. */
  birthDelayMs?: number;
  statsIntervalMs?: number;
  /** Extra statistics merged into `<bridge>/stats`. */
  extraStats?: () => Record<string, unknown>;
  /** Clients on the embedded broker; without it the count comes from the broker's `$SYS`. */
  brokerClients?: () => number;
  /** Other instances share the dial-in meters: publish and answer only for the devices held here (server/mqtt/sharedFleet.ts). */
  sharedFleet?: boolean;
}

/** Mosquitto's count of connected clients (published every `sys_interval`, retained). */
const SYS_CLIENTS_TOPIC = '$SYS/broker/clients/connected';

const RETAINED = { retain: true, qos: 1 } as const;

const isOnline = (rec: DeviceRecord) => rec.status.availability === 'online' || rec.status.availability === 'asleep';

export class MqttBridge {
  private readonly startedAt = Date.now();
  private statsTimer: NodeJS.Timeout | undefined;
  private readonly pendingDiscovery = new Map<string, NodeJS.Timeout>();
  /** Old device ids whose discovery was migrated to their new id in this run. */
  private readonly migrated = new Set<string>();
  private birthTimer: NodeJS.Timeout | undefined;
  private readonly unsubscribe: (() => void)[] = [];
  readonly counters = { commands: 0, commandErrors: 0, ignoredRetainedCommands: 0, birthRepublishes: 0, commandsForOtherInstances: 0 };
  private readonly shared: SharedFleet | undefined;
  /** Last count from `$SYS`; null while the broker has not told (or does not publish `$SYS`). */
  private sysClients: number | null = null;

  constructor(
    private readonly hub: Hub,
    private readonly mqtt: MqttPublisher,
    private readonly cfg: BridgeConfig,
    private readonly log: Logger,
  ) {
    this.shared = cfg.sharedFleet ? new SharedFleet(cfg.bridge) : undefined;
  }

  start(): void {
    const on = <E extends Parameters<Hub['on']>[0]>(event: E, fn: (...args: never[]) => void) => {
      this.hub.on(event, fn as never);
      this.unsubscribe.push(() => this.hub.off(event, fn as never));
    };
    on('device-added', (rec: DeviceRecord) => this.publishDevice(rec));
    on('device-changed', (rec: DeviceRecord) => this.scheduleDiscovery(rec));
    on('device-removed', (rec: DeviceRecord, movedTo: string | undefined) => this.clearDevice(rec, movedTo));
    on('readings', (rec: DeviceRecord, readings: PublishedReading[], ts: number) => this.publishReadings(rec, readings, ts));
    on('status', (rec: DeviceRecord) => this.publishStatus(rec));
    on('event', (rec: DeviceRecord, ev: { type: string; event: string; message: string; data?: unknown }, ts: number) => {
      if (!this.speaksFor(rec.info.id)) return;
      this.mqtt.publish(deviceTopic(this.cfg, rec.info.id, 'events'), JSON.stringify({ meterId: rec.info.id, timestamp: ts, ...ev }));
    });

    this.mqtt.subscribe(`${this.cfg.base}/+/command/request`);
    this.mqtt.subscribe(`${this.cfg.base}/+/set/+`);
    this.mqtt.subscribe(`${this.cfg.discoveryPrefix}/status`);
    // QoS 0: statuses are retained, so every (re)subscription replays the newest of each. On NATS a
    // QoS 1 subscription is a JetStream consumer, which lost deliveries under load (docs/scale-out.md);
    // a lost "offline" from a meter's old holder would leave it shown offline while this one holds it.
    if (this.shared) this.mqtt.subscribe(`${this.cfg.base}/+/status`, 0);
    if (!this.cfg.brokerClients) this.mqtt.subscribe(SYS_CLIENTS_TOPIC);
    this.mqtt.on('message', (topic, payload, retained) => void this.onMessage(topic, payload, retained));
    this.mqtt.on('connect', () => this.republishAll());

    this.statsTimer = setInterval(() => this.publishBridgeStatus(), this.cfg.statsIntervalMs ?? 60_000);
    this.statsTimer.unref();
  }

  get topics(): TopicConfig {
    return this.cfg;
  }

  /** Publish the bridge as offline and stop listening. */
  async stop(): Promise<void> {
    clearInterval(this.statsTimer);
    clearTimeout(this.birthTimer);
    for (const t of this.pendingDiscovery.values()) clearTimeout(t);
    for (const off of this.unsubscribe) off();
    await this.mqtt.stop([{ topic: `${this.cfg.bridge}/status`, payload: this.bridgeStatusPayload('offline'), retain: true }]);
  }

  bridgeStatusPayload(status: 'online' | 'offline'): string {
    return JSON.stringify({
      status,
      timestamp: Date.now(),
      uptime: Date.now() - this.startedAt,
      version: this.cfg.version,
      name: this.cfg.name,
    });
  }

  statsPayload(): Record<string, unknown> {
    const devices = this.hub.list();
    return {
      timestamp: Date.now(),
      meters: {
        connected: devices.filter((d) => d.status.availability === 'online' || d.status.availability === 'asleep').length,
        total: devices.length,
      },
      mqtt: {
        clients: this.cfg.brokerClients?.() ?? this.sysClients,
        messagesPublished: this.mqtt.counters.published,
        queued: this.mqtt.queued,
        dropped: this.mqtt.counters.dropped,
        reconnects: this.mqtt.counters.reconnects,
      },
      hub: { ...this.hub.stats },
      commands: { ...this.counters },
      ...(this.shared
        ? { sharedFleet: { held: this.hub.list().filter((d) => this.shared?.holds(d.info.id)).length, ...this.shared.counters } }
        : {}),
      ...this.cfg.extraStats?.(),
    };
  }

  private publishBridgeStatus(): void {
    this.mqtt.publish(`${this.cfg.bridge}/status`, this.bridgeStatusPayload('online'), RETAINED);
    this.mqtt.publish(`${this.cfg.bridge}/stats`, JSON.stringify(this.statsPayload()));
  }

  private republishAll(): void {
    this.publishBridgeStatus();
    for (const rec of this.hub.list()) this.publishDevice(rec);
  }

  /** Whether this instance publishes and answers for the device (always, unless the fleet is shared). */
  private speaksFor(id: string): boolean {
    return this.shared?.holds(id) ?? true;
  }

  private publishDevice(rec: DeviceRecord): void {
    if (this.shared) {
      // A shared-fleet device is announced when it comes online here (publishStatus), and then re-published while held.
      if (isOnline(rec)) this.shared.take(rec.info.id);
      if (!this.shared.holds(rec.info.id)) return;
    }
    this.publishDiscovery(rec);
    this.publishStatus(rec);
    // Nothing read yet since a shared-fleet device was taken: the retained state of its previous holder stands.
    const state = this.stateToPublish(rec);
    if (Object.values(state).some((v) => v !== undefined)) this.publishState(rec, state);
  }

  private scheduleDiscovery(rec: DeviceRecord): void {
    // Registers found at run time arrive in bursts: one discovery message per burst.
    clearTimeout(this.pendingDiscovery.get(rec.info.id));
    const t = setTimeout(() => {
      this.pendingDiscovery.delete(rec.info.id);
      if (this.hub.get(rec.info.id) === rec && this.speaksFor(rec.info.id)) this.publishDiscovery(rec);
    }, 200);
    t.unref();
    this.pendingDiscovery.set(rec.info.id, t);
  }

  private publishDiscovery(rec: DeviceRecord): void {
    const old = rec.info.replaces;
    const migrating = old !== undefined && !this.migrated.has(old);
    // Home Assistant's discovery migration: the old config unloads its entities but keeps
    // their registry entries, which the new config (same unique ids) takes over.
    if (migrating) this.mqtt.publish(discoveryTopic(this.cfg, old), JSON.stringify({ migrate_discovery: true }), RETAINED);
    this.mqtt.publish(discoveryTopic(this.cfg, rec.info.id), JSON.stringify(discoveryPayload(this.cfg, rec)), RETAINED);
    if (migrating) {
      this.migrated.add(old);
      this.mqtt.publish(discoveryTopic(this.cfg, old), '', RETAINED);
    }
  }

  private publishStatus(rec: DeviceRecord): void {
    const { availability, reason, since } = rec.status;
    // Not known yet (a meter that just dialled in and has not answered): IVY publishes status
    // only when a meter connects or disconnects, so its first status must not be a spurious offline.
    if (availability === 'unknown') return;
    const online = isOnline(rec);
    // A meter that came online here after another instance had it: announce it with this instance's availability.
    if (this.shared && online && this.shared.take(rec.info.id)) this.publishDiscovery(rec);
    if (!this.speaksFor(rec.info.id)) return;
    const extra = online ? rec.info.statusExtra : undefined;
    const owner = this.shared ? { bridge: this.cfg.bridge } : undefined;
    this.mqtt.publish(
      deviceTopic(this.cfg, rec.info.id, 'status'),
      JSON.stringify({
        meterId: rec.info.id,
        online,
        timestamp: Date.now(),
        ...extra,
        state: availability,
        reason: reason ?? null,
        since,
        ...owner,
      }),
      RETAINED,
    );
  }

  private publishState(rec: DeviceRecord, state = this.stateToPublish(rec)): void {
    this.mqtt.publish(deviceTopic(this.cfg, rec.info.id, 'state'), JSON.stringify(state), RETAINED);
  }

  /**
   * In a shared fleet, only values read since this instance took the device: one kept from an
   * earlier stay here may be older than what another instance published since (a counter would go back).
   */
  private stateToPublish(rec: DeviceRecord): Record<string, unknown> {
    const since = this.shared?.heldSince(rec.info.id);
    // Keys not read yet hold undefined, which JSON leaves out.
    if (since === undefined) return rec.state;
    return Object.fromEntries(Object.entries(rec.state).filter(([key]) => (rec.updated[key] ?? 0) >= since));
  }

  private publishReadings(rec: DeviceRecord, readings: PublishedReading[], ts: number): void {
    if (!this.speaksFor(rec.info.id)) return;
    this.publishState(rec);
    const topic = deviceTopic(this.cfg, rec.info.id, 'telemetry');
    // A register the device refused has no value to report (the state shows it as unknown).
    const valued = readings.filter((r) => r.error === undefined);
    if (rec.info.telemetry === 'readings') {
      const ivy = valued.map((r) => {
        const { value, unit } = ivyQuantity(r.register, r.value);
        return { register: { key: r.register.key, id: r.register.id, unit }, value };
      });
      this.mqtt.publish(topic, JSON.stringify(readingsPayload(rec.info.id, ts, rec.info.kind, ivy)));
      return;
    }
    for (const r of valued) {
      const { value, unit } = ivyQuantity(r.register, r.value);
      this.mqtt.publish(
        topic,
        JSON.stringify({
          meterId: rec.info.id,
          timestamp: ts,
          register: { id: r.register.id ?? r.register.key, name: r.register.key, description: r.register.description ?? r.register.name },
          value,
          unit,
          raw: r.raw ?? null,
        }),
      );
    }
  }

  /** A device that moved keeps its discovery topic: the new id's discovery migrates it. */
  private clearDevice(rec: DeviceRecord, movedTo: string | undefined): void {
    clearTimeout(this.pendingDiscovery.get(rec.info.id));
    // Another instance holding the meter keeps what it published.
    if (!this.speaksFor(rec.info.id)) return;
    this.shared?.forget(rec.info.id);
    this.clearRetained(rec.info.id, movedTo === undefined);
  }

  /** Empty the retained status and state of a device id, and its discovery unless told not to. */
  clearRetained(id: string, discovery = true): void {
    for (const topic of [
      ...(discovery ? [discoveryTopic(this.cfg, id)] : []),
      deviceTopic(this.cfg, id, 'status'),
      deviceTopic(this.cfg, id, 'state'),
    ]) {
      this.mqtt.publish(topic, '', RETAINED);
    }
  }

  private async onMessage(topic: string, payload: Buffer, retained: boolean): Promise<void> {
    if (topic === SYS_CLIENTS_TOPIC) {
      const text = payload.length <= 12 ? payload.toString() : '';
      if (/^\d+$/.test(text)) this.sysClients = Number(text);
      return;
    }
    if (topic === `${this.cfg.discoveryPrefix}/status`) {
      if (payload.toString().trim() === 'online') this.onHomeAssistantBirth();
      return;
    }
    const rest = topic.startsWith(`${this.cfg.base}/`) ? topic.slice(this.cfg.base.length + 1).split('/') : [];
    const [deviceId, kind, leaf] = rest;
    if (deviceId === undefined) return;
    if (rest.length === 2 && kind === 'status') {
      this.onDeviceStatus(deviceId, payload);
      return;
    }
    if (rest.length === 3 && kind === 'command' && leaf === 'request') {
      if (this.shared && !(this.hub.get(deviceId) && this.shared.holds(deviceId))) {
        // Its owner answers; a second answer (or an "unknown device") from here would be wrong.
        this.counters.commandsForOtherInstances++;
        return;
      }
      if (retained) {
        // A retained command would run again on every reconnect.
        this.counters.ignoredRetainedCommands++;
        return;
      }
      this.counters.commands++;
      const response = await executeCommand(this.hub, deviceId, payload);
      if (!response.success) this.counters.commandErrors++;
      this.mqtt.publish(deviceTopic(this.cfg, deviceId, 'command/response'), JSON.stringify(response), { qos: 1 });
    } else if (rest.length === 3 && kind === 'set' && leaf !== undefined && !retained && this.speaksFor(deviceId)) {
      await this.onSet(deviceId, leaf, payload.toString());
    }
  }

  private async onSet(deviceId: string, key: string, text: string): Promise<void> {
    const rec = this.hub.get(deviceId);
    if (!rec) return;
    const value = text === 'ON' || text === 'OFF' || Number.isNaN(Number(text)) || text.trim() === '' ? text : Number(text);
    try {
      await this.hub.write(deviceId, key, value);
    } catch (err) {
      this.log.warn(`write ${deviceId}.${key} = ${text} refused: ${(err as Error).message}`);
      this.hub.emitEvent(rec, {
        type: 'warning',
        event: 'write_refused',
        message: (err as Error).message,
        data: { register: key, value: text },
      });
      this.publishState(rec);
    }
  }

  /** A device status on the broker (shared fleet only): another instance's may take a device from here or call for a reassert. */
  private onDeviceStatus(id: string, payload: Buffer): void {
    const rec = this.hub.get(id);
    if (!this.shared || !rec) return;
    const verdict = this.shared.onOtherStatus(id, payload, isOnline(rec));
    if (verdict === 'release') this.log.info(`device ${id} is held by another instance now; this one stops publishing it`);
    if (verdict === 'reassert') {
      this.publishDiscovery(rec);
      this.publishStatus(rec);
    }
  }

  private onHomeAssistantBirth(): void {
    clearTimeout(this.birthTimer);
    const base = this.cfg.birthDelayMs ?? 2000;
    this.birthTimer = setTimeout(
      () => {
        this.counters.birthRepublishes++;
        this.log.info('Home Assistant came online: re-publishing discovery and state');
        this.republishAll();
      },
      base + Math.random() * base,
    );
    this.birthTimer.unref();
  }
}
