/**
 * One Modbus TCP connection (modbus-serial's client) to one address and port, shared by the
 * devices behind it (each its own unit id). Requests go one at a time: many devices answer
 * only one, and a gateway mixes up answers otherwise. A request that times out closes the
 * connection, so a late answer can never be taken for the next one; the next request opens
 * it again.
 */
import modbusSerial from 'modbus-serial';

// A CommonJS package: its class is `module.exports`, which it also sets as `default`.
const ModbusRTU = modbusSerial.default;
type ModbusClient = InstanceType<typeof ModbusRTU>;

/** The device refused the request: a Modbus exception response. */
export class ModbusExceptionError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'ModbusExceptionError';
  }
}

/** No connection, or no answer in time: the device is off, asleep or gone. */
export class UnreachableError extends Error {
  override name = 'UnreachableError';
}

const EXCEPTIONS: Record<number, string> = {
  1: 'illegal function',
  2: 'illegal data address',
  3: 'illegal data value',
  4: 'server device failure',
  6: 'server device busy',
  10: 'gateway path unavailable',
  11: 'gateway target device failed to respond',
};

export interface LinkStats {
  requests: number;
  registers: number;
  timeouts: number;
  exceptions: number;
  connects: number;
}

export class ModbusLink {
  private client: ModbusClient | undefined;
  private connecting: Promise<ModbusClient> | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** Rejects when the link is closed, so that a request in flight ends then, not at its timeout. */
  private readonly closing: Promise<never>;
  private signalClosed: (err: Error) => void = () => undefined;
  readonly stats: LinkStats = { requests: 0, registers: 0, timeouts: 0, exceptions: 0, connects: 0 };

  constructor(
    readonly host: string,
    readonly port: number,
  ) {
    this.closing = new Promise<never>((_, reject) => {
      this.signalClosed = reject;
    });
    this.closing.catch(() => undefined);
  }

  get label(): string {
    return `${this.host}:${this.port}`;
  }

  /** Reads `count` holding registers of unit `unit`. */
  read(unit: number, address: number, count: number, timeoutMs: number): Promise<number[]> {
    return this.enqueue(unit, timeoutMs, `reading ${count} registers at ${address}`, async (client) => {
      const { data } = await client.readHoldingRegisters(address, count);
      this.stats.registers += data.length;
      return data;
    });
  }

  /** Writes `values` from `address` (function 16). */
  write(unit: number, address: number, values: number[], timeoutMs: number): Promise<void> {
    return this.enqueue(unit, timeoutMs, `writing ${values.length} registers at ${address}`, async (client) => {
      await client.writeRegisters(address, values);
    });
  }

  /** Closes the connection for good; a request in flight and those after it fail at once. */
  async close(): Promise<void> {
    this.closed = true;
    this.signalClosed(new UnreachableError(`${this.label}: connection closed`));
    this.drop();
    await this.queue;
  }

  private enqueue<T>(unit: number, timeoutMs: number, what: string, op: (client: ModbusClient) => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      if (this.closed) throw new UnreachableError(`${this.label}: connection closed`);
      const client = await Promise.race([this.connect(timeoutMs), this.closing]);
      client.setID(unit);
      client.setTimeout(timeoutMs);
      this.stats.requests++;
      try {
        return await Promise.race([op(client), this.closing]);
      } catch (err) {
        throw err instanceof UnreachableError ? err : this.translate(err, unit, what, timeoutMs);
      }
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private translate(err: unknown, unit: number, what: string, timeoutMs: number): Error {
    const e = err as { modbusCode?: unknown; errno?: unknown; message?: unknown };
    const where = `${this.label} unit ${unit}, ${what}`;
    if (typeof e.modbusCode === 'number') {
      this.stats.exceptions++;
      const name = EXCEPTIONS[e.modbusCode] ?? 'unknown exception';
      return new ModbusExceptionError(e.modbusCode, `${where}: Modbus exception ${e.modbusCode} (${name})`);
    }
    if (e.errno === 'ETIMEDOUT') {
      this.stats.timeouts++;
      this.drop();
      return new UnreachableError(`${where}: no answer within ${timeoutMs / 1000} s`);
    }
    if (e.errno === 'ECONNREFUSED' || e.errno === 'ECONNRESET' || e.errno === 'EPIPE' || e.errno === 'PORT_NOT_OPEN') {
      this.drop();
      return new UnreachableError(`${where}: connection lost`);
    }
    // A malformed answer (wrong length, CRC of the framing): the stream cannot be trusted any more.
    this.drop();
    return new UnreachableError(`${where}: ${typeof e.message === 'string' ? e.message : String(err)}`);
  }

  private async connect(timeoutMs: number): Promise<ModbusClient> {
    if (this.client?.isOpen) return this.client;
    this.drop();
    this.connecting ??= this.open(timeoutMs).finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async open(timeoutMs: number): Promise<ModbusClient> {
    const client = new ModbusRTU();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new UnreachableError(`${this.label}: no connection within ${timeoutMs / 1000} s`)), timeoutMs);
    });
    try {
      await Promise.race([client.connectTCP(this.host, { port: this.port }), timedOut]);
    } catch (err) {
      client.destroy(() => undefined);
      if (err instanceof UnreachableError) throw err;
      const message = err instanceof Error ? err.message : String(err);
      throw new UnreachableError(`${this.label}: cannot connect (${message})`);
    } finally {
      clearTimeout(timer);
    }
    this.stats.connects++;
    this.client = client;
    return client;
  }

  private drop(): void {
    const client = this.client;
    this.client = undefined;
    if (client) client.destroy(() => undefined);
  }
}
