/**
 * One TCP connection from a DTU (or a meter with its own modem). The first frame's address
 * names the meter; if it says nothing for ~2 s, it is asked: read-address (0x13) on the
 * wildcard address, then on 99…99 (some meters answer only there), then a register read
 * addressed to each listed meter not connected yet (a few rounds quickly, then one a poll
 * interval for as long as the connection stays up). Registration packets and heartbeats are stripped before framing.
 * A connection that sends no valid meter frame within its byte or time budget is closed.
 *
 * A connection whose first bytes another protocol's claim recognises (an IVY EM114070
 * speaking DLMS) is not DL/T 645: its bytes go to that protocol's meter, whose valid frames
 * count for the same budgets.
 */
import type net from 'node:net';
import { BROADCAST_ADDRESS, isMeterAddress, WILDCARD_ADDRESS } from '../../protocols/dlt645/address.ts';
import { answersRequest, FUNCTION } from '../../protocols/dlt645/control.ts';
import { DtuFilter } from '../../protocols/dlt645/dtu.ts';
import type { Dlt645Frame } from '../../protocols/dlt645/frame.ts';
import { diFromBytes, readAddressRequest, readDataRequest } from '../../protocols/dlt645/messages.ts';
import { decideDialIn, type DialInClaim, type DialInLink, type DialInMeter } from '../dialIn.ts';
import { Dlt645Link, type LinkTotals } from './link.ts';
import { Deadline, deadlines } from '../../core/deadlines.ts';

export interface DtuConnectionOptions {
  timeoutMs: number;
  identifyAfterMs: number;
  identifyAttempts: number;
  /** After the quick attempts, keep asking this often: a meter may answer only once its DTU has settled. */
  identifyRetryMs: number;
  registrationPattern?: string;
  heartbeat?: Uint8Array;
  totals: LinkTotals;
  /** Closed after this long without a valid meter frame. */
  idleTimeoutMs: number;
  /** Closed after this many bytes without a valid meter frame. */
  byteBudget: number;
  /** Listed meters not connected now: a silent connection may be one of them. */
  unconnectedMeters?: () => string[];
  /** Other protocols' meters that dial in to this port, recognised by their first bytes. */
  claims?: readonly DialInClaim[];
}

/** Total active energy: every meter has it, so any meter answers a read of it (or says it lacks it). */
export const PROBE_DI = '00010000';

export interface DtuConnectionEvents {
  /** A valid frame from a meter address arrived on this connection. */
  frame(conn: DtuConnection, frame: Dlt645Frame): void;
  closed(conn: DtuConnection, reason: string): void;
  /** An internal error in this connection's handling (the driver faults its meters and closes it). */
  fault(conn: DtuConnection, err: unknown): void;
  /** It is being closed for sending nothing valid within its budget. */
  overBudget(conn: DtuConnection, reason: string): void;
  /** Its first bytes are another protocol's meter announcing `address`: see `hand`. */
  foreign(conn: DtuConnection, claim: DialInClaim, address: string): void;
}

export class DtuConnection {
  readonly link: Dlt645Link;
  readonly filter: DtuFilter;
  readonly ip: string;
  /** Meter addresses whose session uses this connection now. */
  readonly addresses = new Set<string>();
  /** Addresses whose claim (a real read) is under way on this connection. */
  readonly claiming = new Set<string>();
  private identified = false;
  /** The next round of asking a silent connection who it is. */
  private readonly identifyDue = new Deadline(() => this.guarded(() => this.identifyTick()));
  private identifyAttemptsLeft: number;
  /** When it is next checked for having sent nothing valid for too long. */
  private readonly idleCheck = new Deadline(() => this.guarded(() => this.idleTick()));
  private lastValidAt = Date.now();
  private bytesSinceValid = 0;
  private closed = false;
  private closeReason = 'connection closed';
  /** The first bytes, held while a claim may still recognise them (a few dozen at most). */
  private sniffed: Buffer | undefined;
  /** The claim that recognised this connection, and the bytes it will be handed first. */
  private foreignClaim: { claim: DialInClaim; address: string } | undefined;
  private foreignHead: Buffer | undefined;
  private foreignMeter: DialInMeter | undefined;

  constructor(
    private readonly socket: net.Socket,
    private readonly opts: DtuConnectionOptions,
    private readonly events: DtuConnectionEvents,
  ) {
    this.ip = (socket.remoteAddress ?? 'unknown').replace(/^::ffff:/, '');
    this.filter = new DtuFilter({ registrationPattern: opts.registrationPattern, heartbeat: opts.heartbeat });
    this.link = new Dlt645Link(`tcp ${this.ip}:${socket.remotePort ?? 0}`, opts.timeoutMs, opts.totals, this.filter);
    this.link.attach({ write: (bytes) => socket.write(bytes) });
    if (opts.claims && opts.claims.length > 0) this.sniffed = Buffer.alloc(0);
    this.link.on('frame', (frame) => {
      if (!isMeterAddress(frame.address)) return;
      this.identified = true;
      this.lastValidAt = Date.now();
      this.bytesSinceValid = 0;
      this.events.frame(this, frame);
    });
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 60_000);
    socket.on('data', (chunk: Buffer) => this.guarded(() => this.receive(chunk)));
    socket.on('error', (err) => {
      this.closeReason = `connection error: ${err.message}`;
    });
    socket.on('close', () =>
      this.guarded(() => {
        this.closed = true;
        deadlines.cancel(this.identifyDue);
        deadlines.cancel(this.idleCheck);
        this.link.detach(this.closeReason);
        this.events.closed(this, this.closeReason);
      }),
    );
    this.identifyAttemptsLeft = opts.identifyAttempts;
    this.scheduleIdentify();
    deadlines.arm(this.idleCheck, opts.idleTimeoutMs);
  }

  get isIdentified(): boolean {
    return this.identified;
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  /** The other protocol's meter address this connection announced, if it is one. */
  get foreign(): { claim: DialInClaim; address: string } | undefined {
    return this.foreignClaim;
  }

  /** Give this (foreign) connection to its meter: the bytes so far first, then all that follow. */
  hand(meter: DialInMeter): void {
    this.foreignMeter = meter;
    const link: DialInLink = {
      ip: this.ip,
      write: (bytes) => void this.socket.write(bytes),
      valid: () => this.markValid(),
      close: (reason) => this.close(reason),
    };
    meter.attach(link);
    const head = this.foreignHead;
    this.foreignHead = undefined;
    if (head) meter.receive(head);
  }

  private markValid(): void {
    this.identified = true;
    this.lastValidAt = Date.now();
    this.bytesSinceValid = 0;
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

  /**
   * Does `address` answer a real read on this connection? A matching reply (data or "no
   * such data") within the timeout proves the meter is behind it; an announcement does not.
   */
  async answersFor(address: string): Promise<boolean> {
    try {
      await this.link.request(readDataRequest(address, PROBE_DI), (f) => answersProbe(f, address));
      return true;
    } catch {
      return false;
    }
  }

  private receive(chunk: Buffer): void {
    if (this.closed) return;
    this.bytesSinceValid += chunk.length;
    if (this.sniffed) this.sniff(Buffer.concat([this.sniffed, chunk]));
    else if (this.foreignClaim) this.foreignMeter?.receive(chunk);
    else this.link.receive(chunk);
    if (this.bytesSinceValid > this.opts.byteBudget) {
      this.overBudget(`${this.bytesSinceValid} bytes without a valid meter frame (budget ${this.opts.byteBudget})`);
    }
  }

  private sniff(head: Buffer): void {
    const decision = decideDialIn(this.opts.claims ?? [], head);
    if (decision === 'more') {
      this.sniffed = head;
      return;
    }
    this.sniffed = undefined;
    if (!decision) {
      this.link.receive(head);
      return;
    }
    this.foreignClaim = decision;
    this.foreignHead = head;
    this.events.foreign(this, decision.claim, decision.address);
  }

  private idleTick(): void {
    const idle = Date.now() - this.lastValidAt;
    if (idle < this.opts.idleTimeoutMs) deadlines.arm(this.idleCheck, this.opts.idleTimeoutMs - idle);
    else this.overBudget(`no valid meter frame for ${Math.round(idle / 1000)} s`);
  }

  private overBudget(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.events.overBudget(this, reason);
    this.close(reason);
  }

  private scheduleIdentify(): void {
    deadlines.arm(this.identifyDue, this.identifyAttemptsLeft > 0 ? this.opts.identifyAfterMs : this.opts.identifyRetryMs);
  }

  private identifyTick(): void {
    // An IVY meter halfway through its heartbeat is not asked DL/T 645 questions.
    if (this.identified || this.foreignClaim || !this.link.isOpen) return;
    if (this.sniffed?.length) {
      this.scheduleIdentify();
      return;
    }
    // The answer's own frame names the meter through the `frame` listener above.
    this.identifyRound().then(
      (answered) =>
        this.guarded(() => {
          if (answered || this.identified || !this.link.isOpen) return;
          this.identifyAttemptsLeft = Math.max(0, this.identifyAttemptsLeft - 1);
          this.scheduleIdentify();
        }),
      (err: unknown) => this.events.fault(this, err),
    );
  }

  /** One round of asking; true once something answered. */
  private async identifyRound(): Promise<boolean> {
    for (const target of [WILDCARD_ADDRESS, BROADCAST_ADDRESS]) {
      if (this.identified || !this.link.isOpen) return true;
      try {
        await this.link.request(readAddressRequest(target), (f) => answersRequest(FUNCTION.readAddress, f.control));
        return true;
      } catch {
        // Not on this address: try the next.
      }
    }
    for (const address of this.opts.unconnectedMeters?.() ?? []) {
      if (this.identified || !this.link.isOpen) return true;
      if (await this.answersFor(address)) return true;
    }
    return false;
  }
}

function answersProbe(frame: Dlt645Frame, address: string): boolean {
  if (frame.address !== address || !answersRequest(FUNCTION.readData, frame.control)) return false;
  const isError = (frame.control & 0x40) !== 0;
  return isError || (frame.data.length >= 4 && diFromBytes(frame.data) === PROBE_DI);
}
