/** A plain MQTT client that records what a broker delivers, for assertions. */
import mqtt, { type MqttClient } from 'mqtt';
import { waitFor } from './ports.ts';

export interface Seen {
  topic: string;
  payload: string;
  retain: boolean;
}

export class MqttProbe {
  readonly messages: Seen[] = [];

  private constructor(readonly client: MqttClient) {
    client.on('message', (topic, payload, packet) => this.messages.push({ topic, payload: payload.toString(), retain: packet.retain }));
  }

  static async connect(url: string, filter = '#'): Promise<MqttProbe> {
    const client = await mqtt.connectAsync(url, { reconnectPeriod: 200, clean: true });
    const probe = new MqttProbe(client);
    await client.subscribeAsync(filter, { qos: 1 });
    return probe;
  }

  on(topic: string): Seen[] {
    return this.messages.filter((m) => m.topic === topic);
  }

  last(topic: string): Seen | undefined {
    return this.on(topic).at(-1);
  }

  json<T = any>(topic: string): T | undefined {
    const m = this.last(topic);
    return m?.payload ? (JSON.parse(m.payload) as T) : undefined;
  }

  async waitFor(topic: string, pred: (m: Seen) => boolean = () => true, timeoutMs = 10_000): Promise<Seen> {
    return waitFor(() => this.on(topic).find(pred), { timeoutMs, what: `MQTT message on ${topic}` });
  }

  clear(): void {
    this.messages.length = 0;
  }

  async publish(topic: string, payload: string, retain = false): Promise<void> {
    await this.client.publishAsync(topic, payload, { qos: 1, retain });
  }

  async close(): Promise<void> {
    await this.client.endAsync(true);
  }
}
