/**
 * An RS-485 port with one or more meters (2400 8E1 by default). The port is reopened with
 * backoff when it fails, and as soon as its path is back when it disappears (USB adapter
 * unplugged and plugged in again).
 */
import type { SerialPort } from 'serialport';
import type { Logger } from '../../core/logger.ts';
import { loadSerialPort } from '../../core/serialPortModule.ts';
import { SerialReopen } from '../../core/serialReopen.ts';
import type { SessionBoundary } from '../../core/sessionBoundary.ts';
import type { Dlt645Frame } from '../../protocols/dlt645/frame.ts';
import { Dlt645Link, type LinkTotals } from './link.ts';

export interface SerialBusOptions {
  path: string;
  baudRate: number;
  parity: 'even' | 'none' | 'odd';
  timeoutMs: number;
  totals: LinkTotals;
  /** The bus and its meters are one session: a throw in its handlers faults them all. */
  boundary?: SessionBoundary;
}

export interface SerialBusEvents {
  frame(frame: Dlt645Frame): void;
  up(): void;
  down(reason: string): void;
}

export class SerialBus {
  readonly link: Dlt645Link;
  private port: SerialPort | undefined;
  private stopped = false;
  private attempt = 0;
  private readonly reopen: SerialReopen;
  lastError: string | undefined;

  constructor(
    private readonly opts: SerialBusOptions,
    private readonly log: Logger,
    private readonly events: SerialBusEvents,
  ) {
    this.reopen = new SerialReopen(opts.path, { initialMs: 1000, maxMs: 30_000 });
    this.link = new Dlt645Link(`serial ${opts.path}`, opts.timeoutMs, opts.totals);
    this.link.on('frame', (frame) => this.events.frame(frame));
  }

  get path(): string {
    return this.opts.path;
  }

  get isOpen(): boolean {
    return this.link.isOpen;
  }

  get waitingForPort(): boolean {
    return this.reopen.portGone;
  }

  /** Open the port; after stop() (the boundary restarting the bus) it opens it again. */
  start(): void {
    this.stopped = false;
    this.open();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.attempt++;
    this.reopen.cancel();
    const port = this.port;
    this.port = undefined;
    this.link.detach('stopped');
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  }

  private open(): void {
    if (this.stopped) return;
    // A stop (or a newer open) while the package loads makes this attempt stale.
    const attempt = ++this.attempt;
    loadSerialPort().then(
      this.guard((SerialPortClass: typeof SerialPort) => {
        if (attempt === this.attempt) this.openWith(SerialPortClass);
      }),
      this.guard((err: Error) => this.down(`cannot load the serialport package: ${err.message}`)),
    );
  }

  private openWith(SerialPortClass: typeof SerialPort): void {
    const { path, baudRate, parity } = this.opts;
    const port = new SerialPortClass({ path, baudRate, parity, dataBits: 8, stopBits: 1, autoOpen: false });
    this.port = port;
    port.on(
      'data',
      this.guard((chunk: Buffer) => this.link.receive(chunk)),
    );
    port.on('error', (err) => {
      this.lastError = err.message;
    });
    port.on(
      'close',
      // A port closed by stop() no longer speaks for the bus, which may be open again by now.
      this.guard(() => {
        if (this.port === port) this.down(this.lastError ?? 'serial port closed');
      }),
    );
    port.open(
      this.guard((err: Error | null) => {
        if (err) return this.down(`cannot open ${path}: ${err.message}`);
        if (this.stopped) return void port.close();
        this.reopen.opened();
        this.lastError = undefined;
        this.link.attach({ write: (bytes) => port.write(Buffer.from(bytes)) });
        this.log.info({ path, baudRate, parity }, 'dlt645 serial port open');
        this.events.up();
      }),
    );
  }

  private guard<A extends unknown[]>(handler: (...args: A) => void): (...args: A) => void {
    return this.opts.boundary ? this.opts.boundary.guard(handler) : handler;
  }

  private down(reason: string): void {
    if (this.stopped || this.reopen.pending) return;
    this.port = undefined;
    // The plan says whether the path is gone; the reopen it schedules runs a second or more later.
    const plan = this.reopen.schedule(() => this.open());
    const why = plan.kind === 'port-gone' ? 'the port is not there (adapter unplugged?)' : reason;
    this.link.detach(why);
    this.events.down(why);
    if (plan.kind === 'backoff')
      this.log.warn({ path: this.opts.path, reason: why, retryMs: plan.delayMs }, 'dlt645 serial port down; reopening');
    else if (plan.firstNotice) this.log.warn({ path: this.opts.path }, 'dlt645 serial port is gone; reopening when it is back');
  }
}
