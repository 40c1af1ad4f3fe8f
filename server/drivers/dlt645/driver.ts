/**
 * DL/T 645-2007 meters: a TCP listener for 4G/GPRS DTUs dialing in, and RS-485 ports with
 * one or more meters each. A meter's device id is its 12-digit address (IVY's meterId).
 */
import net from 'node:net';
import { RepeatedWarnings } from '../../core/repeatedWarnings.ts';
import { SessionBoundary } from '../../core/sessionBoundary.ts';
import { parseHeartbeat } from '../../protocols/dlt645/dtu.ts';
import type { Dlt645Frame } from '../../protocols/dlt645/frame.ts';
import { validDeviceItems } from '../../options/deviceItems.ts';
import type { Driver, DriverContext } from '../types.ts';
import { DtuConnection } from './dtuConnection.ts';
import type { Dlt645Link, LinkTotals } from './link.ts';
import { MeterSession } from './meter.ts';
import type { Dlt645Meter, Dlt645Options } from './options.ts';
import { SerialBus } from './serialBus.ts';

/** How long a new connection may stay silent before it is asked its address. */
const IDENTIFY_AFTER_MS = 2000;
const IDENTIFY_ATTEMPTS = 3;
/** Spread of the first polls of meters that connect at the same time. */
const STAGGER_STEP_MS = 250;
const STAGGER_SLOTS = 40;
const LISTEN_BACKLOG = 4096;

export interface PendingMeter {
  address: string;
  ip: string;
  registration?: string;
  since: number;
}

export interface Dlt645Driver extends Driver {
  /** Meters that connected but are not adopted (auto_adopt off and not in dlt645_meters). */
  pendingMeters(): PendingMeter[];
}

export function createDlt645Driver(ctx: DriverContext): Dlt645Driver {
  return new Dlt645DriverImpl(ctx);
}

class Dlt645DriverImpl implements Dlt645Driver {
  readonly kind = 'dlt645';
  private readonly opts: Dlt645Options;
  private readonly meters = new Map<string, MeterSession>();
  private readonly configured = new Map<string, Dlt645Meter>();
  private readonly serialAddresses = new Set<string>();
  private readonly pending = new Map<string, PendingMeter>();
  private readonly connections = new Map<Dlt645Link, DtuConnection>();
  private readonly buses: SerialBus[] = [];
  private readonly busBoundaries: SessionBoundary[] = [];
  /** Internal errors on connections that no meter is known on yet: a hostile peer could repeat them. */
  private readonly connectionFaults: RepeatedWarnings;
  private readonly totals: LinkTotals = { frames: 0, badFrames: 0, garbageBytes: 0, timeouts: 0 };
  private server: net.Server | undefined;
  private listenError: string | undefined;
  private staggerSlot = 0;
  private stopped = false;

  constructor(private readonly ctx: DriverContext) {
    this.opts = ctx.options.dlt645;
    this.connectionFaults = new RepeatedWarnings(ctx.log);
  }

  async start(): Promise<void> {
    const byPort = new Map<string, Dlt645Meter[]>();
    for (const { index, config } of validDeviceItems(this.ctx, 'dlt645_meters')) {
      if (this.configured.has(config.address)) {
        this.ctx.reportConfigError(`dlt645_meters[${index}]`, `address ${config.address} is listed twice; the first entry is used`);
        continue;
      }
      this.configured.set(config.address, config);
      if (config.serial_port) byPort.set(config.serial_port, [...(byPort.get(config.serial_port) ?? []), config]);
    }
    for (const [path, meters] of byPort) this.startBus(path, meters);
    for (const config of this.configured.values()) {
      if (config.serial_port) continue;
      this.session(config.address).markOffline('waiting for its DTU to connect');
    }
    if (this.opts.listen) await this.listen();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const session of this.meters.values()) session.stop();
    for (const boundary of this.busBoundaries) boundary.dispose();
    this.connectionFaults.stop();
    const server = this.server;
    this.server = undefined;
    const closed = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    for (const conn of this.connections.values()) conn.close('bridge stopping');
    await Promise.all([closed, ...this.buses.map((b) => b.stop())]);
  }

  pendingMeters(): PendingMeter[] {
    return [...this.pending.values()];
  }

  diagnostics(): Record<string, unknown> {
    let online = 0;
    for (const s of this.meters.values()) online += s.isOnline ? 1 : 0;
    return {
      listening: this.server?.listening ?? false,
      listenPort: this.opts.listen ? this.opts.listen_port : undefined,
      listenError: this.listenError,
      connections: this.connections.size,
      unidentifiedConnections: [...this.connections.values()].filter((c) => !c.isIdentified).length,
      meters: this.meters.size,
      online,
      pendingMeters: this.pendingMeters(),
      serialPorts: this.buses.map((b) => ({ path: b.path, open: b.isOpen, lastError: b.lastError, waitingForPort: b.waitingForPort })),
      ...this.totals,
    };
  }

  private listen(): Promise<void> {
    const heartbeat = this.opts.heartbeat === undefined ? undefined : parseHeartbeat(this.opts.heartbeat);
    const server = net.createServer((socket) => {
      if (this.stopped) return void socket.destroy();
      const conn = new DtuConnection(
        socket,
        {
          timeoutMs: this.opts.timeout * 1000,
          identifyAfterMs: IDENTIFY_AFTER_MS,
          identifyAttempts: IDENTIFY_ATTEMPTS,
          identifyRetryMs: this.opts.poll_interval * 1000,
          registrationPattern: this.opts.registration_pattern,
          heartbeat,
          totals: this.totals,
        },
        {
          frame: (c, f) => this.onTcpFrame(c, f),
          closed: (c, reason) => this.onTcpClosed(c, reason),
          fault: (c, err) => this.onTcpFault(c, err),
        },
      );
      this.connections.set(conn.link, conn);
    });
    this.server = server;
    return new Promise((resolve) => {
      server.on('error', (err) => {
        if (server.listening) {
          this.ctx.log.error({ err: err.message }, 'dlt645 listener error');
          return;
        }
        this.listenError = `cannot listen on port ${this.opts.listen_port}: ${err.message}`;
        this.ctx.reportConfigError('dlt645.listen_port', this.listenError);
        resolve();
      });
      // Thousands of DTUs dial in again at once after a restart.
      server.listen({ port: this.opts.listen_port, backlog: LISTEN_BACKLOG }, () => {
        this.ctx.log.info({ port: this.opts.listen_port }, 'dlt645 listening for DTUs');
        resolve();
      });
    });
  }

  private onTcpFrame(conn: DtuConnection, frame: Dlt645Frame): void {
    const address = frame.address;
    if (this.serialAddresses.has(address)) return;
    let session = this.meters.get(address);
    if (!session) {
      if (!this.opts.auto_adopt && !this.configured.has(address)) {
        if (!this.pending.has(address)) {
          this.ctx.log.info({ address, ip: conn.ip }, 'dlt645 meter not adopted (auto_adopt is off and it is not in dlt645_meters)');
          this.pending.set(address, { address, ip: conn.ip, registration: conn.filter.registrationId, since: Date.now() });
        }
        return;
      }
      session = this.session(address, conn.ip);
      this.ctx.log.info({ address, ip: conn.ip, registration: conn.filter.registrationId }, 'dlt645 meter connected');
    }
    if (session.link !== conn.link) {
      const previous = session.link ? this.connections.get(session.link) : undefined;
      previous?.addresses.delete(address);
      conn.addresses.add(address);
      session.attach(conn.link, conn.ip, conn.filter.registrationId);
      // The DTU dialed in again: its old connection is dead even if TCP has not noticed.
      if (previous && previous.addresses.size === 0) previous.close('replaced by a new connection from the same meter');
    }
    session.seen();
  }

  private onTcpClosed(conn: DtuConnection, reason: string): void {
    this.connections.delete(conn.link);
    if (this.stopped) return;
    for (const address of conn.addresses) this.meters.get(address)?.detach(conn.link, reason);
  }

  /** A throw while handling a DTU connection: its meters go fault and restart, the DTU dials in again. */
  private onTcpFault(conn: DtuConnection, err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    const sessions = [...conn.addresses].flatMap((address) => this.meters.get(address) ?? []);
    for (const session of sessions) session.boundary.fault(err);
    if (sessions.length === 0) this.connectionFaults.warn(conn.ip, `dlt645 connection from ${conn.ip}: internal error: ${message}; closed`);
    conn.close(`internal error: ${message}`);
  }

  private startBus(path: string, meters: Dlt645Meter[]): void {
    const first = meters[0];
    const settings = (m: Dlt645Meter) => `${m.baud ?? 2400} baud, parity ${m.parity ?? 'even'}`;
    for (const m of meters.filter((x) => settings(x) !== settings(first))) {
      this.ctx.reportConfigError(
        'dlt645_meters',
        `meter ${m.address} on ${path} asks for ${settings(m)}, but the port is shared and uses ${settings(first)} (from meter ${first.address})`,
      );
    }
    const sessions = () => meters.flatMap((m) => this.meters.get(m.address) ?? []);
    const boundary: SessionBoundary = new SessionBoundary({
      hub: this.ctx.hub,
      log: this.ctx.log,
      describe: () => `DL/T 645 RS-485 bus ${path}`,
      devices: () => meters.map((m) => m.address),
      halt: (): Promise<void> => {
        for (const s of sessions()) s.stop();
        return bus.stop();
      },
      restart: () => {
        for (const s of sessions()) s.restart();
        bus.start();
      },
    });
    this.busBoundaries.push(boundary);
    const bus: SerialBus = new SerialBus(
      {
        path,
        baudRate: first.baud ?? 2400,
        parity: first.parity ?? 'even',
        timeoutMs: this.opts.timeout * 1000,
        totals: this.totals,
        boundary,
      },
      this.ctx.log,
      {
        frame: (f) => this.meters.get(f.address)?.seen(),
        up: () => {
          for (const m of meters) this.meters.get(m.address)?.attach(bus.link);
        },
        down: (reason) => {
          for (const m of meters) this.meters.get(m.address)?.markOffline(`${path}: ${reason}`);
        },
      },
    );
    meters.forEach((m, i) => {
      this.serialAddresses.add(m.address);
      this.session(m.address, undefined, i * 1000, boundary);
    });
    this.buses.push(bus);
    bus.start();
  }

  private session(
    address: string,
    ip?: string,
    initialDelayMs = (this.staggerSlot++ % STAGGER_SLOTS) * STAGGER_STEP_MS,
    boundary?: SessionBoundary,
  ): MeterSession {
    const existing = this.meters.get(address);
    if (existing) return existing;
    const session = new MeterSession(this.ctx.hub, this.ctx.log, {
      address,
      name: this.configured.get(address)?.name,
      listed: this.configured.has(address),
      ip,
      pollIntervalMs: this.opts.poll_interval * 1000,
      initialDelayMs,
      retries: this.opts.retries,
      thresholds: this.opts,
      boundary,
    });
    this.meters.set(address, session);
    return session;
  }
}
