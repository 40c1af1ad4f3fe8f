/** What Home Assistant would see of a shared fleet: one MQTT client recording status, discovery, state and answers. */
import mqtt, { type MqttClient } from 'mqtt';
import { waitFor } from '../support/ports.ts';

/**
 * As Home Assistant subscribes (its MQTT integration's default). On NATS a QoS 1 subscription is
 * a JetStream consumer; on this loaded machine such a subscriber missed a few of the messages
 * every other subscriber got (a meter's only status or discovery, so the fleet never looked
 * whole), and after a node died was handed older states again without the DUP flag.
 */
const SUBSCRIPTION_QOS = 0;

/** Counters that must never go down (DL/T 645 energy registers). */
const COUNTERS = ['totalActiveEnergy', 'totalActiveEnergyForward', 'totalActiveEnergyReverse', 'totalReactiveEnergy'];

export interface MeterView {
  online: boolean;
  /** The bridge topic of the instance that published the status. */
  bridge: string | undefined;
  /** The bridge status topic its discovery takes availability from. */
  availability: string | undefined;
}

export class FleetWatch {
  readonly meters = new Map<string, MeterView>();
  readonly bridgeStatus = new Map<string, string>();
  readonly regressions: string[] = [];
  readonly responses: { meter: string; requestId: unknown; success: boolean }[] = [];
  /** State messages per meter since `resetStateCounts`. */
  readonly stateCounts = new Map<string, number>();
  /** Discovery configs received since `resetDiscoveryCount`. */
  discoveryCount = 0;
  private readonly lastCounter = new Map<string, number>();

  private constructor(readonly client: MqttClient) {
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
  }

  static async connect(url: string): Promise<FleetWatch> {
    const client = await mqtt.connectAsync(url, { reconnectPeriod: 1000, clean: true });
    const watch = new FleetWatch(client);
    for (const filter of ['wattwire/+/status', 'wattwire/+/state', 'wattwire/+/command/response', 'homeassistant/device/+/config']) {
      await waitFor(
        async () => {
          const granted = await client.subscribeAsync(filter, { qos: SUBSCRIPTION_QOS });
          return granted.every((g) => g.qos !== 128);
        },
        { what: `subscription to ${filter}`, timeoutMs: 60_000, intervalMs: 1000 },
      );
    }
    return watch;
  }

  private view(meter: string): MeterView {
    let v = this.meters.get(meter);
    if (!v) {
      v = { online: false, bridge: undefined, availability: undefined };
      this.meters.set(meter, v);
    }
    return v;
  }

  private onMessage(topic: string, payload: Buffer): void {
    if (payload.length === 0) return;
    const parts = topic.split('/');
    const body = JSON.parse(payload.toString());
    if (parts[0] === 'homeassistant') {
      this.discoveryCount++;
      this.view(parts[2]!).availability = body.avty?.[0]?.t;
      return;
    }
    const [, id = '', leaf] = parts;
    if (id.startsWith('bridge-') && leaf === 'status') {
      this.bridgeStatus.set(id, body.status);
      return;
    }
    if (leaf === 'status') {
      const v = this.view(id);
      v.online = body.online === true;
      v.bridge = body.bridge;
    } else if (leaf === 'state') {
      this.stateCounts.set(id, (this.stateCounts.get(id) ?? 0) + 1);
      for (const key of COUNTERS) {
        const value = body[key];
        if (typeof value !== 'number') continue;
        const last = this.lastCounter.get(`${id}.${key}`);
        if (last !== undefined && value < last) {
          this.regressions.push(`${id}.${key}: ${last} then ${value}`);
          continue;
        }
        this.lastCounter.set(`${id}.${key}`, value);
      }
    } else if (parts[3] === 'response') {
      this.responses.push({ meter: id, requestId: body.requestId, success: body.success });
    }
  }

  /** Meters online, published and announced by the instance with this bridge topic. */
  heldBy(bridge: string): string[] {
    return [...this.meters].filter(([, v]) => v.online && v.bridge === bridge && v.availability === `${bridge}/status`).map(([id]) => id);
  }

  /** Meters whose status and discovery agree on one online instance. */
  consistent(): number {
    let n = 0;
    for (const v of this.meters.values()) if (v.online && v.bridge && v.availability === `${v.bridge}/status`) n++;
    return n;
  }

  /** Why the fleet is not all consistent yet, for a timeout's message. */
  summary(): string {
    const views = [...this.meters.values()];
    const online = views.filter((v) => v.online).length;
    const odd = [...this.meters].filter(([, v]) => !(v.online && v.bridge && v.availability === `${v.bridge}/status`)).slice(0, 3);
    return `${this.meters.size} meters seen, ${online} online, ${this.consistent()} consistent; e.g. ${JSON.stringify(odd)}`;
  }

  resetStateCounts(): void {
    this.stateCounts.clear();
  }

  responsesTo(requestId: string): number {
    return this.responses.filter((r) => r.requestId === requestId).length;
  }

  async command(meter: string, requestId: string): Promise<void> {
    await this.client.publishAsync(
      `wattwire/${meter}/command/request`,
      JSON.stringify({ requestId, command: 'read', register: 'totalActiveEnergy' }),
      {
        qos: 1,
      },
    );
  }

  async close(): Promise<void> {
    await this.client.endAsync(true);
  }
}
