/** A push meter on a serial port (M-Bus, HAN, P1): opens it with the meter type's line settings and reopens it when it goes away or its adapter is plugged back in. */
import type { JsonObject } from '../types.ts';
import { SerialPort } from 'serialport';
import { SerialReopen } from '../../core/serialReopen.ts';
import { LinkReader } from './linkReader.ts';
import type { PushMeter } from './pushMeter.ts';
import { METER_TYPES } from './options.ts';

export class SerialPush {
  private port: SerialPort | undefined;
  private stopped = false;
  private readonly reopen: SerialReopen;
  readonly baud: number;
  readonly parity: 'none' | 'even' | 'odd';

  constructor(
    readonly meter: PushMeter,
    private readonly path: string,
  ) {
    const defaults = METER_TYPES[meter.cfg.meter_type];
    this.baud = meter.cfg.baud ?? defaults.baud;
    this.parity = meter.cfg.parity ?? defaults.parity;
    this.reopen = new SerialReopen(path, { initialMs: 1000, maxMs: 30_000 });
  }

  get description(): string {
    return `${this.path} at ${this.baud} baud 8${this.parity.charAt(0).toUpperCase()}1`;
  }

  start(): void {
    this.stopped = false;
    this.meter.start();
    this.open();
  }

  private open(): void {
    const reader = new LinkReader(() => this.meter);
    const port = new SerialPort({ path: this.path, baudRate: this.baud, parity: this.parity, dataBits: 8, stopBits: 1, autoOpen: false });
    this.port = port;
    port.on(
      'data',
      this.meter.boundary.guard((chunk: Buffer) => reader.feed(chunk)),
    );
    port.on('close', () => this.retry(`serial port ${this.path} closed`));
    port.on('error', (err) => this.retry(`serial port ${this.path}: ${err.message}`));
    port.open((err) => {
      if (err) this.retry(`serial port ${this.path} cannot be opened: ${err.message}`);
      else {
        this.reopen.opened();
        this.meter.device.log.info({ port: this.description }, 'DLMS serial port open');
      }
    });
  }

  private retry(reason: string): void {
    if (this.stopped || this.reopen.pending) return;
    const port = this.port;
    this.port = undefined;
    port?.removeAllListeners();
    port?.on('error', () => undefined);
    if (port?.isOpen) port.close(() => undefined);
    const plan = this.reopen.schedule(() => {
      if (!this.stopped) this.open();
    });
    const gone = plan.kind === 'port-gone';
    this.meter.device.report(
      this.meter.device.diag.unreachable(gone ? `serial port ${this.path} is not there (adapter unplugged?)` : reason),
    );
    if (plan.kind === 'port-gone' && plan.firstNotice)
      this.meter.device.log.warn({ port: this.path }, 'DLMS serial port is gone; reopening when it is back');
  }

  meterDiagnostics(): JsonObject {
    return { ...this.meter.device.diagnostics(), serial: this.description, waitingForPort: this.reopen.portGone };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.reopen.cancel();
    this.meter.stop();
    const port = this.port;
    this.port = undefined;
    if (!port) return;
    port.removeAllListeners();
    port.on('error', () => undefined);
    if (port.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  }
}
