/** A scripted DTU on a raw socket: it announces its meter and answers reads while `answering`. */
import net from 'node:net';
import { addressBytes, diToWire, meterFrame, RequestReader, toBcd } from '../../../server/sim/dlt645/slaveFrames.ts';

export interface FakeDtuOptions {
  port: number;
  address: string;
  /** Another LAN host: 127.0.0.2, 127.0.0.3, … */
  localAddress?: string;
  registration?: string;
  /** Send one frame naming the meter right after connecting. */
  announce?: boolean;
  answering?: boolean;
}

export class FakeDtu {
  readonly socket: net.Socket;
  answering: boolean;
  reads = 0;
  readonly closed: Promise<void>;
  private readonly reader = new RequestReader();

  private constructor(private readonly opts: FakeDtuOptions) {
    this.answering = opts.answering ?? true;
    this.socket = net.connect({ host: '127.0.0.1', port: opts.port, localAddress: opts.localAddress });
    this.socket.on('error', () => undefined);
    this.closed = new Promise((resolve) => this.socket.once('close', () => resolve()));
    this.socket.on('data', (chunk: Buffer) => {
      for (const req of this.reader.feed(chunk)) this.answer(req.address, req.control, req.data);
    });
  }

  static dial(opts: FakeDtuOptions): Promise<FakeDtu> {
    const dtu = new FakeDtu(opts);
    return new Promise((resolve, reject) => {
      dtu.socket.once('error', reject);
      dtu.socket.once('connect', () => {
        if (opts.registration) dtu.socket.write(opts.registration);
        if (opts.announce ?? true) dtu.socket.write(dtu.energyFrame('00010000'));
        resolve(dtu);
      });
    });
  }

  get isClosed(): boolean {
    return this.socket.destroyed;
  }

  close(): Promise<void> {
    this.socket.destroy();
    return this.closed;
  }

  private energyFrame(di: string): Buffer {
    return meterFrame(this.opts.address, 0x91, [...diToWire(di), ...toBcd(12.34, 4, 2, false)]);
  }

  private answer(address: string, control: number, data: number[]): void {
    if (!this.answering) return;
    const func = control & 0x1f;
    if (func === 0x13) return void this.socket.write(meterFrame(this.opts.address, 0x93, addressBytes(this.opts.address)));
    if (func !== 0x11 || address !== this.opts.address) return;
    this.reads++;
    const di = data
      .slice(0, 4)
      .reverse()
      .map((b) => b.toString(16).padStart(2, '0'))
      .join('')
      .toUpperCase();
    this.socket.write(this.energyFrame(di));
  }
}
