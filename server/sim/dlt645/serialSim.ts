/**
 * Meters on one RS-485 bus (2400 8E1 by default) at a serial device, e.g. one end of a
 * socat PTY pair. Only the addressed meter answers, 20 ms after the request (Td ≥ 20 ms).
 */
import { SerialPort } from 'serialport';
import { Household } from './household.ts';
import { SimMeter } from './simMeter.ts';
import { RequestReader } from './slaveFrames.ts';

export interface SerialSimOptions {
  baudRate?: number;
  parity?: 'even' | 'none' | 'odd';
  threePhase?: boolean;
}

export interface Dlt645SerialSim {
  meters: Map<string, SimMeter>;
  stop(): Promise<void>;
}

export async function startDlt645SerialSim(path: string, addresses: string[], opts: SerialSimOptions = {}): Promise<Dlt645SerialSim> {
  const meters = new Map(
    addresses.map((address) => [
      address,
      new SimMeter({
        address,
        household: new Household({ seed: Number(address.slice(-6)), threePhase: opts.threePhase ?? true, solar: false }),
        wakeUp: 4,
      }),
    ]),
  );
  const port = new SerialPort({
    path,
    baudRate: opts.baudRate ?? 2400,
    dataBits: 8,
    parity: opts.parity ?? 'even',
    stopBits: 1,
    autoOpen: false,
  });
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  const reader = new RequestReader();
  const pending = new Set<NodeJS.Timeout>();
  port.on('data', (chunk: Buffer) => {
    for (const req of reader.feed(chunk)) {
      // On a shared bus a wildcard read would collide; the first meter answers here.
      const meter = [...meters.values()].find((m) => m.accepts(req));
      const reply = meter?.answer(req);
      if (!reply) continue;
      const t = setTimeout(() => {
        pending.delete(t);
        if (port.isOpen) port.write(reply);
      }, 20);
      pending.add(t);
    }
  });
  port.on('error', () => undefined);
  return {
    meters,
    stop: async () => {
      for (const t of pending) clearTimeout(t);
      if (port.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
    },
  };
}
