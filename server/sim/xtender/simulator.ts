/**
 * The simulated Xcom-232i on a serial device path: it reads requests, answers them one at
 * a time after the gateway's delay, and reopens the path when it disappears (an unplugged
 * or re-created PTY), as a device that is powered back would.
 */
import { SerialPort } from 'serialport';
import { XcomGatewaySim, type SimDeviceSpec } from './gateway.ts';
import { SimFrameCollector } from './wire.ts';

export interface XtenderSimOptions {
  path: string;
  baudRate?: number;
  devices: SimDeviceSpec[];
  latencyMs?: number;
  dropTimeoutMs?: number;
  /** Hold each answer for the time its bytes and the request's take on a real 8E1 line (a PTY has no baud rate). */
  wireTiming?: boolean;
  infoProperties?: number[];
  /** The gateway's clock (the demo stops it to freeze the counters). */
  now?: () => number;
}

/** Start, 8 data, parity and stop bit. */
const BITS_PER_BYTE = 11;

export class XtenderSimulator {
  readonly gateway: XcomGatewaySim;
  private port: SerialPort | undefined;
  private collector = new SimFrameCollector();
  private queue: Promise<void> = Promise.resolve();
  private stopped = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(private readonly opts: XtenderSimOptions) {
    this.gateway = new XcomGatewaySim(opts.devices, {
      latencyMs: opts.latencyMs,
      dropTimeoutMs: opts.dropTimeoutMs,
      infoProperties: opts.infoProperties,
      now: opts.now,
    });
  }

  async start(): Promise<void> {
    await this.open();
  }

  private open(): Promise<void> {
    return new Promise((resolve, reject) => {
      const port = new SerialPort(
        { path: this.opts.path, baudRate: this.opts.baudRate ?? 38400, dataBits: 8, parity: 'even', stopBits: 1 },
        (err) => {
          if (err) {
            reject(err);
            return;
          }
          this.port = port;
          this.collector = new SimFrameCollector();
          resolve();
        },
      );
      port.on('data', (chunk: Buffer) => this.onData(port, chunk));
      // A read error on a PTY whose other end is gone may come without a close: drop the port and reattach.
      port.on('error', () => {
        if (this.port !== port) return;
        this.port = undefined;
        if (port.isOpen) port.close(() => undefined);
        this.scheduleReopen();
      });
      port.on('close', () => {
        if (this.port === port) this.port = undefined;
        this.scheduleReopen();
      });
    });
  }

  private scheduleReopen(): void {
    if (this.stopped || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      if (this.stopped || this.port) return;
      this.open().catch(() => this.scheduleReopen());
    }, 200);
  }

  private onData(port: SerialPort, chunk: Buffer): void {
    for (const req of this.collector.feed(chunk)) {
      this.queue = this.queue.then(async () => {
        const answer = this.gateway.handle(req);
        if (!answer || this.stopped) return;
        const wireMs = this.opts.wireTiming
          ? ((req.frameLength + answer.frame.length) * BITS_PER_BYTE * 1000) / (this.opts.baudRate ?? 38400)
          : 0;
        const delayMs = answer.delayMs + wireMs;
        if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
        if (port.isOpen && !this.stopped) port.write(answer.frame);
      });
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    const port = this.port;
    this.port = undefined;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  }
}
