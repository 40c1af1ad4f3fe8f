/**
 * The bridge's MQTT connection: last will, reconnect with backoff, and a bounded queue
 * while the broker is away. Retained topics are coalesced (only the newest value of a
 * retained topic matters), so state and discovery survive an outage of any length; what
 * the queue must drop is counted and logged once per outage.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { EventEmitter } from 'node:events';
import { Backoff } from '../core/backoff.ts';
import type { Logger } from '../core/logger.ts';
import type { BrokerNode } from './brokerSource.ts';

/** How long a refused subscription waits before it is asked again (a cluster electing a leader refuses for a few seconds). */
const SUBSCRIBE_RETRY_MS = 2000;
/** Wait before trying the next node of a cluster. */
const NEXT_NODE_MS = 500;
/** How long the stop waits for the broker to take the last messages (offline statuses). */
const STOP_WAIT_MS = 5000;

export interface PublisherOptions {
  url: string;
  /** A clustered broker's nodes: each reconnect tries the next one. */
  servers?: BrokerNode[];
  /**
   * Keep the session (and the commands queued in it) across reconnects: the broker holds
   * what arrives while the bridge moves to another node. Needs a client id stable across restarts.
   */
  persistentSession?: boolean;
  username?: string;
  password?: string;
  clientId: string;
  will: { topic: string; payload: string };
  queueSize: number;
  /** Instead of STOP_WAIT_MS (tests). */
  stopWaitMs?: number;
}

export type SubscriptionQos = 0 | 1;

interface Queued {
  topic: string;
  payload: string;
  retain: boolean;
  qos: 0 | 1;
}

export interface PublisherEvents {
  connect: [];
  disconnect: [];
  message: [string, Buffer, boolean];
}

export class MqttPublisher extends EventEmitter<PublisherEvents> {
  private client: MqttClient | undefined;
  /** Retained messages waiting, newest per topic. */
  private readonly retained = new Map<string, Queued>();
  /** Non-retained messages waiting, oldest first. */
  private readonly transient: Queued[] = [];
  /** Filters subscribed to, with the QoS asked for each. */
  private readonly subscriptions = new Map<string, SubscriptionQos>();
  private readonly backoff = new Backoff({ initialMs: 1000, maxMs: 30_000 });
  private droppedThisOutage = 0;
  private closing = false;
  private subscribeRetry: NodeJS.Timeout | undefined;
  /** Reconnect attempts since the broker went away (with several nodes: which round of them). */
  private attemptsThisOutage = 0;
  /** Filters the broker refused on this connection, asked again after a backoff. */
  private readonly refused = new Set<string>();
  private readonly subscribeBackoff = new Backoff({ initialMs: SUBSCRIBE_RETRY_MS, maxMs: 60_000 });
  readonly counters = { published: 0, dropped: 0, received: 0, reconnects: 0 };

  constructor(
    private readonly opts: PublisherOptions,
    private readonly log: Logger,
  ) {
    super();
  }

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  get queued(): number {
    return this.retained.size + this.transient.length;
  }

  start(): void {
    const client = mqtt.connect(this.opts.url, {
      ...(this.opts.servers ? { servers: this.opts.servers } : {}),
      clientId: this.opts.clientId,
      username: this.opts.username,
      password: this.opts.password,
      will: { topic: this.opts.will.topic, payload: Buffer.from(this.opts.will.payload), qos: 1, retain: true },
      reconnectPeriod: 1000,
      connectTimeout: 10_000,
      queueQoSZero: false,
      resubscribe: false,
      clean: !this.opts.persistentSession,
      // Otherwise mqtt-packet pre-builds 65,536 two-byte Buffers (6 MB of heap) for packet ids.
      writeCache: false,
    });
    this.client = client;
    client.on('connect', () => {
      this.backoff.reset();
      this.subscribeBackoff.reset();
      this.refused.clear();
      client.options.reconnectPeriod = 1000;
      this.attemptsThisOutage = 0;
      if (this.counters.reconnects > 0 || this.droppedThisOutage > 0) {
        this.log.info(
          `MQTT broker ${this.where(client)} connected again${this.droppedThisOutage ? `; ${this.droppedThisOutage} queued messages were dropped while it was away` : ''}`,
        );
      } else {
        this.log.info(`MQTT broker ${this.where(client)} connected`);
      }
      this.droppedThisOutage = 0;
      this.subscribeAll();
      this.emit('connect');
      this.flush();
    });
    client.on('reconnect', () => {
      this.counters.reconnects++;
      // Across a cluster's nodes the next one is tried at once; the wait grows once every node was tried.
      const nodes = this.opts.servers?.length ?? 1;
      client.options.reconnectPeriod = ++this.attemptsThisOutage % nodes === 0 ? this.backoff.next() : NEXT_NODE_MS;
    });
    client.on('close', () => {
      clearTimeout(this.subscribeRetry);
      this.subscribeRetry = undefined;
      if (!this.closing) this.emit('disconnect');
    });
    client.on('offline', () => {
      if (!this.closing) this.log.warn(`MQTT broker ${this.where(client)} is away; queueing up to ${this.opts.queueSize} messages`);
    });
    client.on('error', (err) => {
      this.log.warn(`MQTT: ${err.message}`);
    });
    client.on('message', (topic, payload, packet) => {
      this.counters.received++;
      this.emit('message', topic, payload, packet.retain);
    });
  }

  /** The node connected to (or last tried): with several, the URL names only the first. */
  private where(client: MqttClient): string {
    return this.opts.servers ? `${client.options.host}:${client.options.port}` : this.opts.url;
  }

  /**
   * QoS 1 (the default) for what must reach the bridge even while it is away (commands kept in
   * its session); QoS 0 for retained topics, which the broker replays on every (re)subscription.
   */
  subscribe(filter: string, qos: SubscriptionQos = 1): void {
    this.subscriptions.set(filter, qos);
    if (this.connected) this.subscribeTo([filter]);
  }

  private subscribeAll(): void {
    if (this.subscriptions.size > 0) this.subscribeTo([...this.subscriptions.keys()]);
  }

  /** Each filter on its own, so that a broker refusing one does not take the others with it. */
  private subscribeTo(filters: string[]): void {
    const client = this.client;
    for (const filter of filters) {
      client?.subscribe(filter, { qos: this.subscriptions.get(filter) ?? 1 }, (err, granted) => {
        if (!err && granted?.every((g) => g.qos !== 128)) return;
        if (!this.subscriptions.has(filter) || !client.connected || this.closing) return;
        if (!this.refused.has(filter)) {
          this.log.warn(`MQTT broker refused the subscription to ${filter}${err ? ` (${err.message})` : ''}; asking again`);
        }
        this.refused.add(filter);
        this.retryRefused();
      });
    }
  }

  /** A clustered broker refuses subscriptions for a few seconds while it elects a leader: ask again, less often each time. */
  private retryRefused(): void {
    if (this.subscribeRetry) return;
    this.subscribeRetry = setTimeout(() => {
      this.subscribeRetry = undefined;
      if (!this.connected || this.closing) return;
      const filters = [...this.refused];
      this.refused.clear();
      this.subscribeTo(filters);
    }, this.subscribeBackoff.next());
    this.subscribeRetry.unref();
  }

  unsubscribe(filter: string): void {
    this.refused.delete(filter);
    if (!this.subscriptions.delete(filter)) return;
    if (this.connected) this.client?.unsubscribe(filter);
  }

  publish(topic: string, payload: string, opts: { retain?: boolean; qos?: 0 | 1 } = {}): void {
    const msg: Queued = { topic, payload, retain: opts.retain ?? false, qos: opts.qos ?? 0 };
    if (this.connected && this.queued === 0) {
      this.send(msg);
      return;
    }
    this.enqueue(msg);
    if (this.connected) this.flush();
  }

  private enqueue(msg: Queued): void {
    if (msg.retain) {
      this.retained.delete(msg.topic);
      this.retained.set(msg.topic, msg);
    } else {
      this.transient.push(msg);
    }
    while (this.queued > this.opts.queueSize) {
      // Drop transient messages first: retained ones carry state that must not be lost.
      if (this.transient.length > 0) this.transient.shift();
      else this.retained.delete(this.retained.keys().next().value as string);
      this.counters.dropped++;
      if (this.droppedThisOutage++ === 0) {
        this.log.warn(`MQTT queue is full (${this.opts.queueSize}); dropping the oldest messages until the broker is back`);
      }
    }
  }

  private flush(): void {
    for (const msg of this.retained.values()) this.send(msg);
    this.retained.clear();
    for (const msg of this.transient) this.send(msg);
    this.transient.length = 0;
  }

  private send(msg: Queued): void {
    this.counters.published++;
    this.client?.publish(msg.topic, msg.payload, { qos: msg.qos, retain: msg.retain });
  }

  /**
   * Publish these last messages, then disconnect cleanly. A broker that goes away (or stops
   * answering) meanwhile would keep them waiting for an acknowledgement for ever: after
   * STOP_WAIT_MS the connection is dropped without them, so that the process can end.
   */
  async stop(last: { topic: string; payload: string; retain: boolean }[] = []): Promise<void> {
    this.closing = true;
    clearTimeout(this.subscribeRetry);
    const client = this.client;
    if (!client) return;
    const clean = async () => {
      if (client.connected) {
        await Promise.all(last.map((m) => client.publishAsync(m.topic, m.payload, { qos: 1, retain: m.retain }).catch(() => undefined)));
      }
      await client.endAsync(!client.connected).catch(() => undefined);
      return true;
    };
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), this.opts.stopWaitMs ?? STOP_WAIT_MS);
    });
    const done = await Promise.race([clean(), late]);
    clearTimeout(timer);
    if (!done) {
      this.log.warn(
        `MQTT: the broker did not acknowledge the last messages within ${(this.opts.stopWaitMs ?? STOP_WAIT_MS) / 1000} s; disconnecting without them`,
      );
      await client.endAsync(true).catch(() => undefined);
    }
  }
}
