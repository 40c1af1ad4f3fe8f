/**
 * A real MQTT broker in the test's process (aedes, the embedded broker's engine) on a free
 * loopback port, for tests that need to decide what the broker grants or answers.
 */
import net from 'node:net';
import { Aedes, type AedesOptions } from 'aedes';
import { freePort } from './ports.ts';

export interface TestBroker {
  port: number;
  url: string;
  close(): Promise<void>;
}

export async function startAedesBroker(options: Partial<AedesOptions> = {}): Promise<TestBroker> {
  const broker = await Aedes.createBroker(options);
  const server = net.createServer(broker.handle);
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port,
    url: `mqtt://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => broker.close(() => server.close(() => resolve()))),
  };
}
