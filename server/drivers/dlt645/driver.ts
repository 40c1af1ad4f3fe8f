/**
 * DL/T 645-2007 meters: a TCP listener for 4G/GPRS DTUs dialing in, and RS-485 ports with
 * one or more meters each. A meter's device id is its 12-digit address (IVY's meterId).
 *
 * A dial-in connection gets a meter only after the meter answered a real read on it (an
 * announced address proves nothing). New meters then pass the adoption gate (auto_adopt,
 * max_meters, adopt_per_minute); a meter already on a live connection stays there until that
 * connection is gone or stops answering, and a pinned meter only goes to its own DTU.
 *
 * Meters of other protocols that dial in to the same port (`claims`: the IVY EM114070 speaking
 * DLMS) are recognised by their first bytes and handed to their protocol's meter, under the
 * same connection limits, budgets and adoption gate; their heartbeat's address is proof enough.
 */
import type { JsonObject } from '../types.ts';
import net from 'node:net';
import { RepeatedWarnings } from '../../core/repeatedWarnings.ts';
import { SessionBoundary } from '../../core/sessionBoundary.ts';
import { parseHeartbeat } from '../../protocols/dlt645/dtu.ts';
import type { Dlt645Frame } from '../../protocols/dlt645/frame.ts';
import type { DialInClaim, DialInClaimFactory, DialInMeter } from '../dialIn.ts';
import { firstOfEach } from '../../options/deviceItems.ts';
import { devicesOf } from '../definition.ts';
import type { Driver, DriverContext, PendingDevice } from '../types.ts';
import { dlt645Definition } from './definition.ts';
import { AdoptionGate, type HoldReason } from './adoption.ts';
import { ConnectionLimits } from './connectionLimits.ts';
import { DtuConnection, type DtuConnectionEvents, type DtuConnectionOptions } from './dtuConnection.ts';
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
/** Bytes a connection may send without one valid meter frame. */
const BYTE_BUDGET = 16 * 1024;
/** Pending meters listed at most, and how long one stays listed unseen. */
const MAX_PENDING = 256;
const PENDING_EXPIRE_MS = 60 * 60_000;
/** How often waiting meters are reconsidered for adoption. */
const ADOPT_SWEEP_MS = 5000;
/** Addresses one connection may be proving at once (a DTU on an RS-485 bus carries a few). */
const MAX_CLAIMS_PER_CONNECTION = 4;
/** One conflict or pin warning event per meter this often. */
const IDENTITY_EVENT_EVERY_MS = 60_000;

export type PendingMeter = {
  address: string;
  ip: string;
  registration?: string;
  since: number;
  lastSeen: number;
  /** Why it is not adopted: auto_adopt_off, max_meters or adopt_per_minute. */
  reason: HoldReason;
};

export interface Dlt645Driver extends Driver {
  /** Meters that connected but are not adopted (auto_adopt off and not in dlt645_meters). */
  pendingMeters(): PendingMeter[];
  pendingDevices(): PendingDevice[];
}

/** @param dialIn other protocols' meters that may dial in to the listener (see server/drivers/dialIn.ts). */
export function createDlt645Driver(ctx: DriverContext, dialIn: readonly DialInClaimFactory[] = ctx.dialIn ?? []): Dlt645Driver {
  const { poll_interval: pollInterval, timeout } = ctx.options.dlt645;
  return new Dlt645Listener(
    ctx,
    dialIn.map((factory) => factory(ctx, { pollInterval, timeout })),
  );
}

class Dlt645Listener implements Dlt645Driver {
  readonly kind = 'dlt645';
  private readonly opts: Dlt645Options;
  private readonly meters = new Map<string, MeterSession>();
  private readonly configured = new Map<string, Dlt645Meter>();
  private readonly serialAddresses = new Set<string>();
  private readonly adoption: AdoptionGate<DtuConnection>;
  private readonly limits: ConnectionLimits;
  private readonly warnings: RepeatedWarnings;
  /** Connections that proved a meter already live elsewhere: they get it if that link goes. */
  private readonly contenders = new Map<string, DtuConnection>();
  private readonly identityEventAt = new Map<string, number>();
  private sweepTimer: NodeJS.Timeout | undefined;
  private readonly connections = new Map<Dlt645Link, DtuConnection>();
  private readonly buses: SerialBus[] = [];
  private readonly busBoundaries: SessionBoundary[] = [];
  private readonly totals: LinkTotals = { frames: 0, badFrames: 0, garbageBytes: 0, timeouts: 0 };
  private server: net.Server | undefined;
  private listenError: string | undefined;
  private staggerSlot = 0;
  private stopped = false;
  /** Adopted meters of other protocols, by address, and the connection each is on now. */
  private readonly dialIn = new Map<string, { meter: DialInMeter; conn: DtuConnection | undefined }>();

  constructor(
    private readonly ctx: DriverContext,
    private readonly claims: readonly DialInClaim[],
  ) {
    this.opts = ctx.options.dlt645;
    this.adoption = new AdoptionGate({
      autoAdopt: this.opts.auto_adopt,
      maxMeters: this.opts.max_meters,
      perMinute: this.opts.adopt_per_minute,
      maxPending: MAX_PENDING,
      expireMs: PENDING_EXPIRE_MS,
    });
    this.limits = new ConnectionLimits({ total: this.opts.max_connections, perIp: this.opts.max_connections_per_ip });
    this.warnings = new RepeatedWarnings(ctx.log);
  }

  async start(): Promise<void> {
    const byPort = new Map<string, Dlt645Meter[]>();
    const meters = firstOfEach(
      devicesOf(this.ctx, dlt645Definition),
      (c) => c.address,
      ({ index, config }) =>
        this.ctx.reportConfigError(`dlt645_meters[${index}]`, `address ${config.address} is listed twice; the first entry is used`),
    );
    for (const { config } of meters) {
      this.configured.set(config.address, config);
      if (config.serial_port) byPort.set(config.serial_port, [...(byPort.get(config.serial_port) ?? []), config]);
    }
    for (const [path, meters] of byPort) this.startBus(path, meters);
    for (const config of this.configured.values()) {
      if (config.serial_port) continue;
      this.session(config.address).markOffline('waiting for its DTU to connect');
    }
    if (this.opts.listen) {
      await this.listen();
      this.sweepTimer = setInterval(() => {
        this.adoptWaiting();
        this.retryContenders();
      }, ADOPT_SWEEP_MS);
      this.sweepTimer.unref();
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.sweepTimer);
    this.warnings.stop();
    for (const session of this.meters.values()) session.stop();
    for (const { meter } of this.dialIn.values()) meter.stop();
    for (const boundary of this.busBoundaries) boundary.dispose();
    const server = this.server;
    this.server = undefined;
    const closed = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    for (const conn of this.connections.values()) conn.close('bridge stopping');
    await Promise.all([closed, ...this.buses.map((b) => b.stop())]);
  }

  pendingDevices(): PendingDevice[] {
    return this.pendingMeters().map((m) => ({ kind: 'dlt645', label: m.address, remote: m.ip, config: { address: m.address } }));
  }

  pendingMeters(): PendingMeter[] {
    return this.adoption.entries().map(({ address, ip, registration, since, lastSeen, reason }) => ({
      address,
      ip,
      registration,
      since,
      lastSeen,
      reason,
    }));
  }

  diagnostics(): JsonObject {
    let online = 0;
    for (const s of this.meters.values()) online += s.isOnline ? 1 : 0;
    return {
      listening: this.server?.listening ?? false,
      listenPort: this.opts.listen ? this.opts.listen_port : undefined,
      listenError: this.listenError,
      connections: this.connections.size,
      unidentifiedConnections: [...this.connections.values()].filter((c) => !c.isIdentified).length,
      meters: this.meters.size,
      otherProtocolMeters: this.dialIn.size,
      online,
      pendingMeters: this.pendingMeters(),
      pendingNotListed: this.adoption.overflow,
      serialPorts: this.buses.map((b) => ({ path: b.path, open: b.isOpen, lastError: b.lastError, waitingForPort: b.waitingForPort })),
      ...this.totals,
    };
  }

  private listen(): Promise<void> {
    // Built once and shared by every connection: ten thousand meters need no copy each.
    const connectionOptions: DtuConnectionOptions = {
      timeoutMs: this.opts.timeout * 1000,
      identifyAfterMs: IDENTIFY_AFTER_MS,
      identifyAttempts: IDENTIFY_ATTEMPTS,
      identifyRetryMs: this.opts.poll_interval * 1000,
      registrationPattern: this.opts.registration_pattern,
      heartbeat: this.opts.heartbeat === undefined ? undefined : parseHeartbeat(this.opts.heartbeat),
      totals: this.totals,
      // A healthy meter answers every poll; a silent one is asked its address each poll interval.
      idleTimeoutMs: Math.max(this.opts.idle_timeout, 3 * this.opts.poll_interval) * 1000,
      byteBudget: BYTE_BUDGET,
      unconnectedMeters: () => this.unconnectedMeters(),
      claims: this.claims,
    };
    const connectionEvents: DtuConnectionEvents = {
      frame: (c, f) => this.onTcpFrame(c, f),
      closed: (c, reason) => this.onTcpClosed(c, reason),
      overBudget: (c, reason) => this.warnings.warn(c.ip, `dlt645 connection from ${c.ip} closed: ${reason}`),
      fault: (c, err) => this.onTcpFault(c, err),
      foreign: (c, claim, address) => this.onForeign(c, claim, address),
    };
    const server = net.createServer((socket) => {
      if (this.stopped) return void socket.destroy();
      const ip = (socket.remoteAddress ?? 'unknown').replace(/^::ffff:/, '');
      const refused = this.limits.admit(ip);
      if (refused) {
        const limit = refused === 'max_connections' ? this.opts.max_connections : this.opts.max_connections_per_ip;
        this.warnings.warn(ip, `dlt645 connection from ${ip} refused: ${refused} (${limit}) reached`);
        socket.on('error', () => {});
        return void socket.destroy();
      }
      socket.once('close', () => this.limits.release(ip));
      const conn = new DtuConnection(socket, connectionOptions, connectionEvents);
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
    const session = this.meters.get(address);
    if (session?.link === conn.link) {
      session.seen();
      return;
    }
    const waiting = this.adoption.get(address);
    if (waiting?.conn === conn) {
      waiting.lastSeen = Date.now();
      return;
    }
    if (this.contenders.get(address) === conn) return;
    if (conn.claiming.has(address) || conn.claiming.size >= MAX_CLAIMS_PER_CONNECTION) return;
    this.startClaim(conn, address);
  }

  /** `conn` announced `address`: give it the meter if it proves it and the rules allow. */
  private async claim(conn: DtuConnection, address: string): Promise<void> {
    const pinned = this.pinRefusal(address, conn);
    if (pinned)
      return this.identityEvent(address, 'meter_dtu_mismatch', pinned, { claimant: conn.ip, registration: conn.filter.registrationId });
    if (!(await conn.answersFor(address)) || !this.usable(conn)) return;
    const session = this.meters.get(address);
    if (!session) return this.adoptNew(conn, address);
    if (session.link === conn.link) return;
    const current = session.link ? this.connections.get(session.link) : undefined;
    if (current && current !== conn && (await current.answersFor(address)) && current.isOpen) {
      this.contenders.set(address, conn);
      this.identityEvent(
        address,
        'meter_address_conflict',
        `Meter ${address} is claimed from ${conn.ip} but answers on ${current.ip}; kept on ${current.ip}`,
        {
          current: current.ip,
          claimant: conn.ip,
          currentRegistration: current.filter.registrationId,
          claimantRegistration: conn.filter.registrationId,
        },
      );
      return;
    }
    if (!this.usable(conn) || this.meters.get(address) !== session) return;
    if (this.contenders.get(address) === conn) this.contenders.delete(address);
    this.attach(session, conn);
  }

  /** Another protocol's meter announced `address` on `conn`: its own again, or a new one through the gate. */
  private onForeign(conn: DtuConnection, claim: DialInClaim, address: string): void {
    if (this.meters.has(address) || this.configured.has(address)) {
      this.warnings.warn(
        `${claim.name} ${address}`,
        `dlt645 ${claim.name} meter ${address} from ${conn.ip} refused: a DL/T 645 meter has this address`,
      );
      conn.close('address taken by a DL/T 645 meter');
      return;
    }
    const known = this.dialIn.get(address);
    if (!known) {
      this.adoptNew(conn, address);
      return;
    }
    const previous = known.conn;
    known.conn = conn;
    conn.hand(known.meter);
    previous?.close('replaced by a new connection from the same meter');
  }

  private adoptNew(conn: DtuConnection, address: string): void {
    if (this.meters.has(address) || this.dialIn.has(address)) return;
    const listed = this.configured.has(address) && !conn.foreign;
    const reason = listed ? undefined : this.adoption.refusal(this.meters.size + this.dialIn.size);
    if (reason) {
      const listed = this.adoption.hold(address, conn.ip, conn.filter.registrationId, reason, conn);
      const waiting = this.adoption.size;
      this.warnings.warn(
        'dlt645 adoption',
        `dlt645 meter ${address} from ${conn.ip} not adopted (${reason}); ${waiting} meters waiting${listed ? '' : ', pending list full'}`,
      );
      return;
    }
    if (listed) this.adoption.forget(address);
    else this.adoption.adopted(address);
    const foreign = conn.foreign;
    if (foreign) {
      this.ctx.log.info({ address, ip: conn.ip, protocol: foreign.claim.name }, 'dlt645 port: meter of another protocol connected');
      const meter = foreign.claim.open(address, () => this.forgetDialIn(address));
      this.dialIn.set(address, { meter, conn });
      conn.hand(meter);
      return;
    }
    this.ctx.log.info({ address, ip: conn.ip, registration: conn.filter.registrationId }, 'dlt645 meter connected');
    this.attach(this.session(address, conn.ip), conn);
  }

  /** Waiting meters whose turn came (a minute passed, or meters were removed). */
  private adoptWaiting(): void {
    for (const entry of this.adoption.waiting()) {
      const conn = entry.conn;
      if (!conn || !this.usable(conn)) continue;
      if (this.adoption.refusal(this.meters.size + this.dialIn.size)) return;
      this.adoptNew(conn, entry.address);
    }
  }

  /** A meter that stopped answering on its connection goes to the contender that proved it. */
  private retryContenders(): void {
    for (const [address, conn] of this.contenders) {
      if (this.meters.get(address)?.isOnline !== false || conn.claiming.has(address)) continue;
      this.contenders.delete(address);
      this.startClaim(conn, address);
    }
  }

  private startClaim(conn: DtuConnection, address: string): void {
    conn.claiming.add(address);
    void this.claim(conn, address).finally(() => conn.claiming.delete(address));
  }

  private attach(session: MeterSession, conn: DtuConnection): void {
    const address = session.address;
    const previous = session.link ? this.connections.get(session.link) : undefined;
    previous?.addresses.delete(address);
    conn.addresses.add(address);
    session.attach(conn.link, conn.ip, conn.filter.registrationId);
    // The meter answers on the new connection and not on the old one: the old one is dead.
    if (previous && previous.addresses.size === 0) previous.close('replaced by a new connection from the same meter');
    session.seen();
  }

  /** The device was removed: stop polling it and free its place under max_meters. */
  private forget(address: string): void {
    const session = this.meters.get(address);
    if (!session) return;
    session.stop();
    this.meters.delete(address);
    if (session.link) this.connections.get(session.link)?.addresses.delete(address);
    this.contenders.delete(address);
  }

  /** Another protocol's meter whose device was removed: it goes through adoption again when it dials in. */
  private forgetDialIn(address: string): void {
    const entry = this.dialIn.get(address);
    if (!entry) return;
    this.dialIn.delete(address);
    entry.meter.stop();
    entry.conn?.close('device removed');
  }

  /** Listed dial-in meters without a connection now. */
  private unconnectedMeters(): string[] {
    const out: string[] = [];
    for (const config of this.configured.values()) {
      if (!config.serial_port && !this.meters.get(config.address)?.link) out.push(config.address);
    }
    return out;
  }

  private usable(conn: DtuConnection): boolean {
    return !this.stopped && conn.isOpen && this.connections.get(conn.link) === conn;
  }

  /** Why `conn` may never carry `address` (its dlt645_meters entry pins another DTU). */
  private pinRefusal(address: string, conn: DtuConnection): string | undefined {
    const config = this.configured.get(address);
    if (config?.dtu_ip && config.dtu_ip !== conn.ip)
      return `Meter ${address} announced from ${conn.ip}, but it is pinned to ${config.dtu_ip}; refused`;
    const registration = conn.filter.registrationId;
    if (config?.dtu_registration && config.dtu_registration !== registration)
      return `Meter ${address} announced by a DTU registered as ${registration ?? '(none)'} from ${conn.ip}, but it is pinned to ${config.dtu_registration}; refused`;
    return undefined;
  }

  private identityEvent(address: string, event: string, message: string, data: Record<string, unknown>): void {
    const session = this.meters.get(address);
    const now = Date.now();
    const last = this.identityEventAt.get(`${event} ${address}`);
    this.warnings.warn(`${event} ${address}`, `dlt645 ${message}`);
    if (!session || (last !== undefined && now - last < IDENTITY_EVENT_EVERY_MS)) return;
    this.identityEventAt.set(`${event} ${address}`, now);
    session.handle.event({ type: 'warning', event, message, data });
  }

  private onTcpClosed(conn: DtuConnection, reason: string): void {
    this.connections.delete(conn.link);
    this.adoption.disconnected(conn);
    for (const [address, contender] of this.contenders) if (contender === conn) this.contenders.delete(address);
    if (this.stopped) return;
    const other = conn.foreign ? this.dialIn.get(conn.foreign.address) : undefined;
    if (other?.conn === conn) {
      other.conn = undefined;
      other.meter.detach(reason);
    }
    for (const address of conn.addresses) {
      this.meters.get(address)?.detach(conn.link, reason);
      // A connection that proved this meter while this one still answered gets it now.
      const next = this.contenders.get(address);
      if (!next) continue;
      this.contenders.delete(address);
      if (this.usable(next) && !next.claiming.has(address)) this.startClaim(next, address);
    }
  }

  /** A throw while handling a DTU connection: its meters go fault and restart, the DTU dials in again. */
  private onTcpFault(conn: DtuConnection, err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    const sessions = [...conn.addresses].flatMap((address) => this.meters.get(address) ?? []);
    for (const session of sessions) session.boundary.fault(err);
    if (sessions.length === 0) this.warnings.warn(conn.ip, `dlt645 connection from ${conn.ip}: internal error: ${message}; closed`);
    conn.close(`internal error: ${message}`);
  }

  private startBus(path: string, meters: Dlt645Meter[]): void {
    // start() lists a port only with the meter that names it, so a bus has a first meter.
    const [first] = meters;
    if (!first) return;
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
    const name = this.configured.get(address)?.name;
    const session = new MeterSession(this.ctx.hub, this.ctx.log.child({ device: name ?? address }), {
      address,
      name,
      listed: this.configured.has(address),
      ip,
      pollIntervalMs: this.opts.poll_interval * 1000,
      initialDelayMs,
      retries: this.opts.retries,
      thresholds: this.opts,
      boundary,
      onRemoved: () => this.forget(address),
    });
    this.meters.set(address, session);
    return session;
  }
}
