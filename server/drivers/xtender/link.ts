/**
 * One serial port to an Xcom-232i: strictly one request outstanding (the gateway drops
 * anything else), a timeout per request, retries on silence, and responses matched to the
 * request so that stray or late frames are ignored rather than misread.
 */
import { EventEmitter } from 'node:events';
import { SerialPort } from 'serialport';
import { DTE_ADDRESS, isMulticast } from '../../protocols/scom/addresses.ts';
import { ServiceId, decodeFrameFlags, type FrameFlags } from '../../protocols/scom/constants.ts';
import { FrameReader } from '../../protocols/scom/frameReader.ts';
import {
  answers,
  decodeResponse,
  encodeReadRequest,
  encodeWriteRequest,
  type ScomResponse,
  type ScomTarget,
} from '../../protocols/scom/service.ts';

const CLOSE_TIMEOUT_MS = 1000;

export class ScomError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly target: ScomTarget,
  ) {
    super(message);
  }
}

export class ScomTimeout extends Error {}
export class LinkClosed extends Error {}

export interface ScomLinkOptions {
  path: string;
  baudRate: number;
  timeoutMs: number;
  retries: number;
  /** Wraps the port's handlers in the session's boundary (server/core/sessionBoundary.ts). */
  guard?<A extends unknown[]>(handler: (...args: A) => void): (...args: A) => void;
}

export interface RequestOptions {
  timeoutMs?: number;
  retries?: number;
}

interface Pending {
  serviceId: number;
  target: ScomTarget;
  resolve: (res: ScomResponse) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

export interface ScomLinkEvents {
  /** The port closed or failed without being asked to. */
  lost: [Error];
}

export class ScomLink extends EventEmitter<ScomLinkEvents> {
  private port: SerialPort | undefined;
  private reader = new FrameReader();
  private pending: Pending | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  lastFlags: FrameFlags | undefined;
  readonly stats = { requests: 0, responses: 0, timeouts: 0, retries: 0, errors: 0, unmatched: 0, opens: 0 };

  constructor(private readonly opts: ScomLinkOptions) {
    super();
  }

  get isOpen(): boolean {
    return this.port?.isOpen ?? false;
  }

  get discardedBytes(): number {
    return this.reader.discarded;
  }

  async open(): Promise<void> {
    await this.close();
    const port = await new Promise<SerialPort>((resolve, reject) => {
      const p = new SerialPort(
        { path: this.opts.path, baudRate: this.opts.baudRate, dataBits: 8, parity: 'even', stopBits: 1, rtscts: false },
        (err) => (err ? reject(new Error(`cannot open ${this.opts.path}: ${err.message}`)) : resolve(p)),
      );
      p.on('error', () => undefined);
    });
    this.reader = new FrameReader();
    this.port = port;
    this.stats.opens++;
    const guard = this.opts.guard ?? (<A extends unknown[]>(handler: (...args: A) => void) => handler);
    port.on(
      'data',
      guard((chunk: Buffer) => this.onData(chunk)),
    );
    port.on(
      'close',
      guard(() => {
        if (this.port !== port) return;
        this.port = undefined;
        this.failPending(new LinkClosed(`${this.opts.path} closed`));
        this.emit('lost', new Error(`${this.opts.path} closed`));
      }),
    );
  }

  async close(): Promise<void> {
    const port = this.port;
    this.port = undefined;
    this.failPending(new LinkClosed('link closed'));
    // A PTY or adapter that vanished may never call back; the link must not wait on it forever.
    if (port?.isOpen)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, CLOSE_TIMEOUT_MS);
        port.close(() => {
          clearTimeout(timer);
          resolve();
        });
      });
  }

  read(target: ScomTarget, opts: RequestOptions = {}): Promise<Uint8Array> {
    if (isMulticast(target.address))
      return Promise.reject(new Error(`address ${target.address} is a multicast address; the gateway refuses reads to it`));
    return this.request(ServiceId.READ, target, encodeReadRequest(target), opts);
  }

  async write(target: ScomTarget, value: Uint8Array, opts: RequestOptions = {}): Promise<void> {
    await this.request(ServiceId.WRITE, target, encodeWriteRequest(target, value), opts);
  }

  /** Queue one request; resolves with the property data or rejects with ScomError/ScomTimeout/LinkClosed. */
  private request(serviceId: number, target: ScomTarget, frame: Uint8Array, opts: RequestOptions): Promise<Uint8Array> {
    const run = async (): Promise<Uint8Array> => {
      const attempts = 1 + (opts.retries ?? this.opts.retries);
      for (let attempt = 1; ; attempt++) {
        try {
          const res = await this.exchange(serviceId, target, frame, opts.timeoutMs ?? this.opts.timeoutMs);
          if (res.kind === 'error') {
            this.stats.errors++;
            throw new ScomError(res.code, res.message, target);
          }
          return res.data;
        } catch (err) {
          if (!(err instanceof ScomTimeout) || attempt >= attempts) throw err;
          this.stats.retries++;
        }
      }
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private exchange(serviceId: number, target: ScomTarget, frame: Uint8Array, timeoutMs: number): Promise<ScomResponse> {
    const port = this.port;
    if (!port?.isOpen) return Promise.reject(new LinkClosed(`${this.opts.path} is not open`));
    return new Promise<ScomResponse>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending = undefined;
        this.stats.timeouts++;
        this.reader.reset();
        reject(new ScomTimeout(`no answer from address ${target.address} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending = { serviceId, target, resolve, reject, timer };
      this.stats.requests++;
      port.write(Buffer.from(frame), (err) => {
        if (err) this.failPending(new LinkClosed(`write to ${this.opts.path} failed: ${err.message}`));
      });
    });
  }

  private failPending(err: Error): void {
    const pending = this.pending;
    if (!pending) return;
    this.pending = undefined;
    clearTimeout(pending.timer);
    pending.reject(err);
  }

  private onData(chunk: Buffer): void {
    for (const frame of this.reader.push(chunk)) {
      const res = decodeResponse(frame);
      const pending = this.pending;
      if (!res.ok || !pending || !answers(res.value, pending.serviceId, pending.target, DTE_ADDRESS)) {
        this.stats.unmatched++;
        continue;
      }
      this.pending = undefined;
      clearTimeout(pending.timer);
      this.stats.responses++;
      this.lastFlags = decodeFrameFlags(frame.flags);
      pending.resolve(res.value);
    }
  }
}
