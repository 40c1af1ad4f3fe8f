/**
 * The one shape of a driver whose configured entries each run as a session (an inverter, a
 * meter, a GX, a serial link with its devices): the constructor stores dependencies only,
 * `start()` creates and starts every session inside its fault boundary, `stop()` disposes
 * the boundaries and awaits every session.
 */
import type { Logger } from '../core/logger.ts';
import { SessionBoundary } from '../core/sessionBoundary.ts';
import type { DeviceItem } from '../options/deviceItems.ts';
import type { Driver, DriverContext, DriverDiagnostics } from './types.ts';

export interface DeviceSession {
  start(): void;
  stop(): void | Promise<void>;
  /** The hub ids of the devices this session covers now. */
  deviceIds(): string[];
}

interface Slot<S> {
  session: S;
  readonly boundary: SessionBoundary;
}

export abstract class SessionDriver<Config, Session extends DeviceSession> implements Driver {
  abstract readonly kind: string;
  private slots: Slot<Session>[] = [];

  constructor(protected readonly ctx: DriverContext) {}

  /** The entries to run: the valid ones, after the driver's own checks (a duplicate is reported). */
  protected abstract entries(): DeviceItem<Config>[];
  /** How the log lines of this entry's session are tagged (its name where it has one). */
  protected abstract logName(entry: DeviceItem<Config>): string;
  /** How a fault names the session, e.g. "Kostal inverter 192.168.1.50". */
  protected abstract describe(entry: DeviceItem<Config>): string;
  protected abstract createSession(entry: DeviceItem<Config>, log: Logger, boundary: SessionBoundary): Session;
  abstract diagnostics(): DriverDiagnostics;

  async start(): Promise<void> {
    for (const entry of this.entries()) {
      const log = this.ctx.log.child({ device: this.logName(entry) });
      // A defect in one session replaces it with a fresh one; the others go on.
      const boundary: SessionBoundary = new SessionBoundary({
        hub: this.ctx.hub,
        log,
        describe: () => this.describe(entry),
        devices: () => slot.session.deviceIds(),
        halt: () => slot.session.stop(),
        restart: () => {
          slot.session = this.createSession(entry, log, boundary);
          slot.session.start();
        },
      });
      const slot: Slot<Session> = { boundary, session: this.createSession(entry, log, boundary) };
      this.slots.push(slot);
    }
    for (const { session } of this.slots) session.start();
  }

  async stop(): Promise<void> {
    const slots = this.slots;
    this.slots = [];
    for (const { boundary } of slots) boundary.dispose();
    await Promise.all(slots.map(({ session }) => session.stop()));
  }

  /** The sessions running now, in the order of their entries. */
  protected sessions(): Session[] {
    return this.slots.map((s) => s.session);
  }
}
