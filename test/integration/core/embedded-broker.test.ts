/** The embedded broker counts its clients, for the gateway stats' mqtt.clients. */
import { afterEach, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../../server/mqtt/embeddedBroker.ts';
import { waitFor } from '../../support/ports.ts';

let broker: EmbeddedBroker | undefined;

afterEach(async () => {
  await broker?.close();
  broker = undefined;
});

describe('embedded broker', () => {
  it('counts the clients connected now', async () => {
    const b = await startEmbeddedBroker(0, 0, '127.0.0.1');
    broker = b;
    expect(b.clients()).toBe(0);
    const one = await mqtt.connectAsync(`mqtt://127.0.0.1:${b.port}`, { reconnectPeriod: 0 });
    const two = await mqtt.connectAsync(`mqtt://127.0.0.1:${b.port}`, { reconnectPeriod: 0 });
    await waitFor(() => b.clients() === 2, { what: 'two clients' });
    await one.endAsync();
    await waitFor(() => b.clients() === 1, { what: 'one client left' });
    await two.endAsync();
  });
});
