/**
 * One TCP connection from a DTU (or a meter with its own modem). The first frame's address
 * names the meter; if it says nothing for ~2 s, it is asked with read-address (0x13) on the
 * wildcard address (a few times quickly, then once a poll interval for as long as the
 * connection stays up). Registration packets and heartbeats are stripped before framing.
 */
import type net from 'node:net';
import { isMeterAddress } from '../../protocols/dlt645/address.ts';
import { answersRequest, FUNCTION } from '../../protocols/dlt645/control.ts';
import { DtuFilter } from '../../protocols/dlt645/dtu.ts';
import type { Dlt645Frame } from '../../protocols/dlt645/frame.ts';
import { readAddressRequest } from '../../protocols/dlt645/messages.ts';
import { Dlt645Link, type LinkTotals } from './link.ts';

export interface DtuConnectionOptions {
  timeoutMs: number;
  identifyAfterMs: number;
  identifyAttempts: number;
  /** After the quick attempts, keep asking this often: a meter may answer only once its DTU has settled. */
  identifyRetryMs: number;
  registrationPattern?: string;
  heartbeat?: Uint8Array;
  totals: LinkTotals;
}

export interface DtuConnectionEvents {
  /** A valid frame from a meter address arrived on this connection. */
  frame(conn: DtuConnection, frame: Dlt645Frame): void;
  closed(conn: DtuConnection, reason: string): void;
  /** An internal error in this connection's handling (the driver faults its meters and closes it). */
  fault(conn: DtuConnection, err: unknown): void;
}

export class DtuConnection {
  readonly link: Dlt645Link;
  readonly filter: DtuFilter;
  readonly ip: string;
  /** Meter addresses whose session uses this connection now. */
  readonly addresses = new Set<string>();
  private identified = false;
  private identifyTimer: NodeJS.Timeout | undefined;
  private closeReason = 'connection closed';

  constructor(
    private readonly socket: net.Socket,
    private readonly opts: DtuConnectionOptions,
    private readonly events: DtuConnectionEvents,
  ) {
    this.ip = (socket.remoteAddress ?? 'unknown').replace(/^::ffff:/, '');
    this.filter = new DtuFilter({ registrationPattern: opts.registrationPattern, heartbeat: opts.heartbeat });
    this.link = new Dlt645Link(`tcp ${this.ip}:${socket.remotePort ?? 0}`, opts.timeoutMs, opts.totals, this.filter);
    this.link.attach({ write: (bytes) => socket.write(bytes) });
    this.link.on('frame', (frame) => {
      if (!isMeterAddress(frame.address)) return;
      this.identified = true;
      this.events.frame(this, frame);
    });
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 60_000);
    socket.on('data', (chunk: Buffer) => this.guarded(() => this.link.receive(chunk)));
    socket.on('error', (err) => {
      this.closeReason = `connection error: ${err.message}`;
    });
    socket.on('close', () =>
      this.guarded(() => {
        clearTimeout(this.identifyTimer);
        this.link.detach(this.closeReason);
        this.events.closed(this, this.closeReason);
      }),
    );
    this.scheduleIdentify(opts.identifyAttempts);
  }

  get isIdentified(): boolean {
    return this.identified;
  }

  close(reason: string): void {
    this.closeReason = reason;
    this.socket.destroy();
  }

  /** The entry points from the socket and timers: a throw is this connection's fault, not the process's. */
  private guarded(handler: () => void): void {
    try {
      handler();
    } catch (err) {
      this.events.fault(this, err);
    }
  }

  private scheduleIdentify(attemptsLeft: number): void {
    this.identifyTimer = setTimeout(
      () =>
        this.guarded(() => {
          if (this.identified || !this.link.isOpen) return;
          // The reply's own frame names the meter through the `frame` listener above.
          this.link
            .request(readAddressRequest(), (f) => answersRequest(FUNCTION.readAddress, f.control))
            .catch(() => this.guarded(() => this.scheduleIdentify(Math.max(0, attemptsLeft - 1))));
        }),
      attemptsLeft > 0 ? this.opts.identifyAfterMs : this.opts.identifyRetryMs,
    );
    this.identifyTimer.unref();
  }
}
