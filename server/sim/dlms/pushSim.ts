/**
 * A meter pushing data-notifications every interval: over TCP to a listener (as a
 * cellular module does) or onto a serial device (a PTY in tests). Framing, security,
 * key (a wrong one too) and line faults are configurable.
 */
import net from 'node:net';
import { SerialPort } from 'serialport';
import { MeterModel } from './meterModel.ts';
import { gloCipher, hdlcFrames, mbusFrames, wrapped, type Security } from './wire.ts';

export type Framing = 'wrapper' | 'hdlc' | 'mbus';
/**
 * `corrupt` flips a byte in each frame; `garbage` sends noise instead (wrong baud rate); `silent` sends nothing;
 * `wrong-key` ciphers with another encryption key than the meter's (the bridge's copy is then wrong);
 * `replay` repeats the last frame counter (a replayed telegram, or a meter that was reset).
 */
export type Fault = 'none' | 'corrupt' | 'garbage' | 'silent' | 'wrong-key' | 'replay';

export interface PushSimOptions {
  /** `localAddress` (127.0.0.2 …) makes the meter another host on the LAN. */
  target: { host: string; port: number; localAddress?: string } | { serialPath: string };
  framing: Framing;
  security: Security;
  systemTitle: Buffer;
  encryptionKey: Buffer;
  authenticationKey: Buffer;
  intervalMs: number;
  fault?: Fault;
  logicalDeviceName?: string;
  /** `dsmr`: DSMR text inside the ciphering, as the Luxembourg Smarty sends (needs security). */
  payload?: 'cosem' | 'dsmr';
}

export class DlmsPushSim {
  readonly model: MeterModel;
  private timer: NodeJS.Timeout | undefined;
  private socket: net.Socket | undefined;
  private serial: SerialPort | undefined;
  private frameCounter = 1;
  private invokeId = 1;
  sent = 0;
  fault: Fault;

  constructor(private readonly opts: PushSimOptions) {
    this.model = new MeterModel(opts.logicalDeviceName ?? `SIM${opts.systemTitle.toString('hex').toUpperCase()}`);
    this.fault = opts.fault ?? 'none';
  }

  async start(): Promise<void> {
    if ('serialPath' in this.opts.target) {
      const port = new SerialPort({ path: this.opts.target.serialPath, baudRate: 2400, parity: 'even', autoOpen: false });
      port.on('error', () => undefined);
      await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
      this.serial = port;
    }
    this.schedule(0);
  }

  private schedule(delay: number): void {
    this.timer = setTimeout(() => {
      this.pushOnce();
      this.schedule(this.opts.intervalMs);
    }, delay);
  }

  /** The bytes of the next telegram on the wire. */
  telegram(): Buffer[] {
    const plain = this.opts.payload === 'dsmr' ? this.model.dsmrText() : this.model.notification(this.invokeId++);
    const apdu =
      this.opts.security === 'none'
        ? plain
        : gloCipher(
            plain,
            this.opts.security,
            this.opts.systemTitle,
            this.fault === 'replay' ? this.frameCounter - 1 : this.frameCounter++,
            this.encryptionKey(),
            this.opts.authenticationKey,
          );
    const frames =
      this.opts.framing === 'hdlc' ? hdlcFrames(apdu) : this.opts.framing === 'mbus' ? mbusFrames(apdu) : [wrapped(1, 1, apdu)];
    if (this.fault === 'corrupt') for (const f of frames) flipMiddleByte(f);
    if (this.fault === 'garbage') return frames.map((f) => Buffer.from(f.map((b) => (b * 7 + 13) & 0x7f)));
    return frames;
  }

  private encryptionKey(): Buffer {
    if (this.fault !== 'wrong-key') return this.opts.encryptionKey;
    return Buffer.from(this.opts.encryptionKey.map((b) => b ^ 0xff));
  }

  private pushOnce(): void {
    if (this.fault === 'silent') return;
    const bytes = Buffer.concat(this.telegram());
    if (this.serial) {
      this.serial.write(bytes);
      this.sent++;
      return;
    }
    const target = this.opts.target as { host: string; port: number; localAddress?: string };
    if (!this.socket || this.socket.destroyed) {
      const s = net.connect(target);
      s.on('error', () => undefined);
      s.on('close', () => {
        if (this.socket === s) this.socket = undefined;
      });
      this.socket = s;
    }
    this.socket.write(bytes);
    this.sent++;
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.socket?.destroy();
    this.socket = undefined;
    const port = this.serial;
    this.serial = undefined;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  }
}

/** Damages a frame where its checksum sees it. */
function flipMiddleByte(frame: Buffer): void {
  const middle = frame.length >> 1;
  frame.writeUInt8(frame.readUInt8(middle) ^ 0x5a, middle);
}
