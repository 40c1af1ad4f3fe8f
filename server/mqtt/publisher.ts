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

export interface PublisherOptions {
  url: string;
  username?: string;
  password?: string;
  clientId: string;
  will: { topic: string; payload: string };
  queueSize: number;
}

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
  private readonly subscriptions = new Set<string>();
  private readonly backoff = new Backoff({ initialMs: 1000, maxMs: 30_000 });
  private droppedThisOutage = 0;
  private closing = false;
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
      clientId: this.opts.clientId,
      username: this.opts.username,
      password: this.opts.password,
      will: { topic: this.opts.will.topic, payload: Buffer.from(this.opts.will.payload), qos: 1, retain: true },
      reconnectPeriod: 1000,
      connectTimeout: 10_000,
      queueQoSZero: false,
      resubscribe: false,
      clean: true,
      // Otherwise mqtt-packet pre-builds 65,536 two-byte Buffers (6 MB of heap) for packet ids.
      writeCache: false,
    });
    this.client = client;
    client.on('connect', () => {
      this.backoff.reset();
      client.options.reconnectPeriod = 1000;
      if (this.counters.reconnects > 0 || this.droppedThisOutage > 0) {
        this.log.info(
          `MQTT broker ${this.opts.url} connected again${this.droppedThisOutage ? `; ${this.droppedThisOutage} queued messages were dropped while it was away` : ''}`,
        );
      } else {
        this.log.info(`MQTT broker ${this.opts.url} connected`);
      }
      this.droppedThisOutage = 0;
      if (this.subscriptions.size > 0) client.subscribe([...this.subscriptions], { qos: 1 });
      this.emit('connect');
      this.flush();
    });
    client.on('reconnect', () => {
      this.counters.reconnects++;
      client.options.reconnectPeriod = this.backoff.next();
    });
    client.on('close', () => {
      if (!this.closing) this.emit('disconnect');
    });
    client.on('offline', () => {
      if (!this.closing) this.log.warn(`MQTT broker ${this.opts.url} is away; queueing up to ${this.opts.queueSize} messages`);
    });
    client.on('error', (err) => {
      this.log.warn(`MQTT: ${err.message}`);
    });
    client.on('message', (topic, payload, packet) => {
      this.counters.received++;
      this.emit('message', topic, payload, packet.retain);
    });
  }

  subscribe(filter: string): void {
    this.subscriptions.add(filter);
    if (this.connected) this.client?.subscribe(filter, { qos: 1 });
  }

  unsubscribe(filter: string): void {
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

  /** Publish these last messages, then disconnect cleanly. */
  async stop(last: { topic: string; payload: string; retain: boolean }[] = []): Promise<void> {
    this.closing = true;
    const client = this.client;
    if (!client) return;
    if (client.connected) {
      await Promise.all(last.map((m) => client.publishAsync(m.topic, m.payload, { qos: 1, retain: m.retain }).catch(() => undefined)));
    }
    await client.endAsync(!client.connected).catch(() => undefined);
  }
}
