/**
 * Which devices this instance left retained discovery for, read from the broker for a short
 * window after connecting (as Zigbee2MQTT does): only configs that name Wattwire as their
 * origin, carry its device identifier and take availability from this instance's bridge
 * topic, so another Wattwire instance's devices on the same broker are never counted.
 */
import { discoveryTopic, type TopicConfig } from './discovery.ts';
import type { MqttPublisher } from './publisher.ts';
import { parseBoundedJson } from '../protocols/json/boundedJson.ts';

const ID_PATTERN = /^[A-Za-z0-9_-]+$/;
/** Far above any config Wattwire writes; a larger payload is not parsed. */
const MAX_CONFIG_BYTES = 4 * 1024 * 1024;
/** Wattwire's configs nest a few levels (device, components, availability). */
const CONFIG_LIMITS = { maxLength: MAX_CONFIG_BYTES, maxDepth: 16 };

/** The device id of a retained discovery config this instance wrote, or undefined. */
export function ownDiscoveryId(cfg: TopicConfig, topic: string, payload: Buffer): string | undefined {
  const prefix = `${cfg.discoveryPrefix}/device/`;
  if (!topic.startsWith(prefix) || !topic.endsWith('/config')) return undefined;
  const id = topic.slice(prefix.length, -'/config'.length);
  if (!ID_PATTERN.test(id) || topic !== discoveryTopic(cfg, id)) return undefined;
  if (payload.length === 0 || payload.length > MAX_CONFIG_BYTES) return undefined;
  const parsed = parseBoundedJson(payload.toString('utf8'), CONFIG_LIMITS, 'a discovery config');
  const config = parsed.ok ? parsed.value : undefined;
  if (typeof config !== 'object' || config === null) return undefined;
  const { o, dev, avty } = config as { o?: { name?: unknown }; dev?: { ids?: unknown }; avty?: unknown };
  if (o?.name !== 'Wattwire') return undefined;
  if (!Array.isArray(dev?.ids) || !dev.ids.includes(`wattwire_${id}`)) return undefined;
  const bridgeStatus = `${cfg.bridge}/status`;
  if (!Array.isArray(avty) || !avty.some((a) => typeof a === 'object' && a !== null && (a as { t?: unknown }).t === bridgeStatus)) {
    return undefined;
  }
  return id;
}

export class RetainedDiscoveryScan {
  private readonly found = new Set<string>();
  private readonly filter: string;
  private timer: NodeJS.Timeout | undefined;
  private finish: (ids: Set<string>) => void = () => undefined;
  /** The ids found, once the window after the first connection has passed. */
  readonly done: Promise<Set<string>>;

  constructor(
    private readonly mqtt: MqttPublisher,
    private readonly cfg: TopicConfig,
    private readonly windowMs: number,
  ) {
    this.filter = `${cfg.discoveryPrefix}/device/+/config`;
    this.done = new Promise((resolve) => {
      this.finish = resolve;
    });
  }

  start(): void {
    this.mqtt.on('message', this.onMessage);
    this.mqtt.once('connect', this.onConnect);
    // QoS 0: the broker replays retained configs to any subscription, and on NATS a QoS 1 one is
    // a JetStream consumer, made anew at each start and seen losing deliveries (docs/scale-out.md).
    this.mqtt.subscribe(this.filter, 0);
  }

  stop(): void {
    clearTimeout(this.timer);
    this.mqtt.off('message', this.onMessage);
    this.mqtt.off('connect', this.onConnect);
    this.mqtt.unsubscribe(this.filter);
  }

  private readonly onConnect = (): void => {
    this.timer = setTimeout(() => {
      this.stop();
      this.finish(this.found);
    }, this.windowMs);
    this.timer.unref();
  };

  private readonly onMessage = (topic: string, payload: Buffer, retained: boolean): void => {
    if (!retained) return;
    const id = ownDiscoveryId(this.cfg, topic, payload);
    if (id !== undefined) this.found.add(id);
  };
}
