/**
 * An RS-485 port with one or more meters (2400 8E1 by default). The port is reopened with
 * backoff when it fails or disappears (USB adapter unplugged).
 */
import { SerialPort } from 'serialport';
import { Backoff } from '../../core/backoff.ts';
import type { Logger } from '../../core/logger.ts';
import type { Dlt645Frame } from '../../protocols/dlt645/frame.ts';
import { Dlt645Link, type LinkTotals } from './link.ts';

export interface SerialBusOptions {
  path: string;
  baudRate: number;
  parity: 'even' | 'none' | 'odd';
  timeoutMs: number;
  totals: LinkTotals;
}

export interface SerialBusEvents {
  frame(frame: Dlt645Frame): void;
  up(): void;
  down(reason: string): void;
}

export class SerialBus {
  readonly link: Dlt645Link;
  private port: SerialPort | undefined;
  private reopenTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly backoff = new Backoff({ initialMs: 1000, maxMs: 30_000 });
  lastError: string | undefined;

  constructor(private readonly opts: SerialBusOptions, private readonly log: Logger, private readonly events: SerialBusEvents) {
    this.link = new Dlt645Link(`serial ${opts.path}`, opts.timeoutMs, opts.totals);
    this.link.on('frame', (frame) => this.events.frame(frame));
  }

  get path(): string {
    return this.opts.path;
  }

  get isOpen(): boolean {
    return this.link.isOpen;
  }

  start(): void {
    this.open();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reopenTimer);
    const port = this.port;
    this.port = undefined;
    this.link.detach('stopped');
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  }

  private open(): void {
    if (this.stopped) return;
    const { path, baudRate, parity } = this.opts;
    const port = new SerialPort({ path, baudRate, parity, dataBits: 8, stopBits: 1, autoOpen: false });
    this.port = port;
    port.on('data', (chunk: Buffer) => this.link.receive(chunk));
    port.on('error', (err) => {
      this.lastError = err.message;
    });
    port.on('close', () => this.down(this.lastError ?? 'serial port closed'));
    port.open((err) => {
      if (err) return this.down(`cannot open ${path}: ${err.message}`);
      if (this.stopped) return void port.close();
      this.backoff.reset();
      this.lastError = undefined;
      this.link.attach({ write: (bytes) => port.write(Buffer.from(bytes)) });
      this.log.info({ path, baudRate, parity }, 'dlt645 serial port open');
      this.events.up();
    });
  }

  private down(reason: string): void {
    if (this.stopped || this.reopenTimer) return;
    this.port = undefined;
    this.link.detach(reason);
    this.events.down(reason);
    this.log.warn({ path: this.opts.path, reason }, 'dlt645 serial port down; reopening');
    this.reopenTimer = setTimeout(() => {
      this.reopenTimer = undefined;
      this.open();
    }, this.backoff.next());
    this.reopenTimer.unref();
  }
}
