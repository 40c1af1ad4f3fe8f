/**
 * Meters behind 4G DTUs dialing in to the bridge: one TCP connection per meter. Some DTUs
 * send a registration packet (IMEI) on connect or before every packet, some meters stay
 * silent until asked their address (0x13), the others are polled by their DTU once on
 * connect so their first frame names them. Heartbeats and faults (drop, leaving the
 * network, garbage, corrupt frames, slow answers, error replies) on demand. Built to run
 * thousands of meters in one process: no timer per meter except while one waits to
 * reconnect or answers slowly.
 */
import net from 'node:net';
import { Household } from './household.ts';
import { type EnergyDis, type ReadAddressOn, SimMeter } from './simMeter.ts';
import { diFromWire, RequestReader } from './slaveFrames.ts';

const CONNECT_BATCH = 200;
const CONNECT_BATCH_GAP_MS = 20;

export type RegistrationMode = 'none' | 'link' | 'data';

export interface Dlt645SimOptions {
  port: number;
  host?: string;
  /** Number of meters (addresses 000000000001 upward from `firstAddress`), unless `addresses` is given. */
  meters?: number;
  addresses?: string[];
  firstAddress?: number;
  /** Share of meters that send nothing until asked their address. */
  silentShare?: number;
  /** Where the meters answer read-address (default: the wildcard). */
  readAddressOn?: ReadAddressOn;
  /** Energy DIs the meters serve (default all; `combined-only`: only 00000000, as IVY's simulator). */
  energyDis?: EnergyDis;
  /** Mode word the meters answer at 04000601 (default: none, "no requested data"). */
  modeWord?: number;
  /** Share of DTUs that send their IMEI once after connecting. */
  registrationShare?: number;
  /** Share of DTUs that put their IMEI in front of every packet. */
  prefixShare?: number;
  threePhaseShare?: number;
  solarShare?: number;
  /** Heartbeat payload (ASCII) and period; 0 turns heartbeats off. */
  heartbeat?: string;
  heartbeatMs?: number;
  reconnectMs?: number;
  /** Every answer is delayed this long. */
  slowMs?: number;
  /** Probability that a read is answered with error word 0x01 ("other error"). */
  errorShare?: number;
  /** Chaos: every so often drop one random meter's connection / send it garbage. */
  dropEveryMs?: number;
  garbageEveryMs?: number;
  timeScale?: number;
  seed?: number;
  /** Called as each read-data answer is written (benchmarks measure answer-to-publish latency). */
  onAnswer?: (address: string, di: string, ms: number) => void;
}

export interface SimMeterInfo {
  address: string;
  imei: string;
  silent: boolean;
  registration: RegistrationMode;
  threePhase: boolean;
}

class SimConnection {
  socket: net.Socket | undefined;
  connected = false;
  slowMs: number;
  /** Off the network: no dialing in until `rejoin`. */
  away = false;
  /** Every frame goes out with a flipped byte (bad checksum). */
  garbled = false;
  private reader = new RequestReader();
  private retry: NodeJS.Timeout | undefined;
  private holdUntil = 0;

  constructor(
    readonly meter: SimMeter,
    readonly info: SimMeterInfo,
    private readonly sim: Dlt645Sim,
  ) {
    this.slowMs = sim.opts.slowMs ?? 0;
  }

  connect(): void {
    if (this.sim.stopped || this.away) return;
    this.reader = new RequestReader();
    const socket = net.connect({ port: this.sim.opts.port, host: this.sim.opts.host ?? '127.0.0.1' });
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on('connect', () => {
      this.connected = true;
      if (this.info.registration === 'link') socket.write(this.info.imei);
      if (!this.info.silent) this.send(this.meter.announce());
    });
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.connected = false;
      if (this.socket === socket) this.socket = undefined;
      this.scheduleReconnect();
    });
  }

  /** Close the connection; dial in again after `reconnectAfterMs`. */
  drop(reconnectAfterMs: number): void {
    this.holdUntil = Date.now() + reconnectAfterMs;
    this.socket?.destroy();
  }

  /** Close the connection and stay off the network. */
  leave(): void {
    this.away = true;
    this.socket?.destroy();
  }

  /** Back on the network: dial in (unless a redial is already on its way). */
  rejoin(): void {
    this.away = false;
    if (!this.socket && !this.retry) this.connect();
  }

  send(frame: Buffer): void {
    const socket = this.socket;
    if (!socket || !this.connected) return;
    const bytes = this.garbled ? garbled(frame) : frame;
    socket.write(this.info.registration === 'data' ? Buffer.concat([Buffer.from(this.info.imei, 'latin1'), bytes]) : bytes);
  }

  stop(): void {
    clearTimeout(this.retry);
    this.socket?.destroy();
  }

  private onData(chunk: Buffer): void {
    for (const req of this.reader.feed(chunk)) {
      const errorShare = this.sim.opts.errorShare ?? 0;
      const reply = this.meter.answer(req, Date.now(), errorShare > 0 && Math.random() < errorShare ? 0x01 : this.meter.errorWord);
      if (!reply) continue;
      const di = (req.control & 0x1f) === 0x11 && req.data.length >= 4 ? diFromWire(req.data) : undefined;
      if (this.slowMs > 0) setTimeout(() => this.answer(reply, di), this.slowMs).unref();
      else this.answer(reply, di);
    }
  }

  private answer(reply: Buffer, di: string | undefined): void {
    this.send(reply);
    if (di !== undefined) this.sim.opts.onAnswer?.(this.meter.address, di, Date.now());
  }

  private scheduleReconnect(): void {
    if (this.sim.stopped || this.retry || this.away) return;
    const wait = Math.max(this.holdUntil - Date.now(), this.sim.opts.reconnectMs ?? 1000);
    this.retry = setTimeout(
      () => {
        this.retry = undefined;
        this.connect();
      },
      wait * (0.8 + 0.4 * Math.random()),
    );
    this.retry.unref();
  }
}

export class Dlt645Sim {
  stopped = false;
  private readonly connections = new Map<string, SimConnection>();
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(readonly opts: Dlt645SimOptions) {
    const addresses =
      opts.addresses ?? Array.from({ length: opts.meters ?? 1 }, (_, i) => String((opts.firstAddress ?? 1) + i).padStart(12, '0'));
    const rand = mulberry32(opts.seed ?? 645);
    for (const address of addresses) {
      const pick = rand();
      const silentShare = opts.silentShare ?? 0.3;
      const regShare = opts.registrationShare ?? 0.3;
      const prefixShare = opts.prefixShare ?? 0;
      const r2 = rand();
      const info: SimMeterInfo = {
        address,
        imei: `86${address}1`,
        silent: pick < silentShare,
        registration: r2 < prefixShare ? 'data' : r2 < prefixShare + regShare ? 'link' : 'none',
        threePhase: rand() < (opts.threePhaseShare ?? 0.5),
      };
      const household = new Household({
        seed: Number(address.slice(-6)) + 7,
        threePhase: info.threePhase,
        solar: rand() < (opts.solarShare ?? 0.3),
        timeScale: opts.timeScale,
      });
      const meter = new SimMeter({
        address,
        household,
        wakeUp: rand() < 0.5 ? 4 : 0,
        readAddressOn: opts.readAddressOn,
        energyDis: opts.energyDis,
        modeWord: opts.modeWord,
      });
      this.connections.set(address, new SimConnection(meter, info, this));
    }
  }

  start(): void {
    this.connectInBatches([...this.connections.values()]);
    const heartbeatMs = this.opts.heartbeatMs ?? 30_000;
    if (heartbeatMs > 0)
      this.every(heartbeatMs, () => {
        for (const c of this.connections.values()) if (c.connected) c.socket?.write(this.opts.heartbeat ?? 'HEARTBEAT');
      });
    if (this.opts.dropEveryMs) this.every(this.opts.dropEveryMs, () => this.randomConnection()?.drop(this.opts.reconnectMs ?? 1000));
    if (this.opts.garbageEveryMs) this.every(this.opts.garbageEveryMs, () => this.randomConnection()?.socket?.write(garbageBytes()));
  }

  get meters(): SimMeterInfo[] {
    return [...this.connections.values()].map((c) => c.info);
  }

  meter(address: string): SimMeter {
    return this.connection(address).meter;
  }

  connectedCount(): number {
    let n = 0;
    for (const c of this.connections.values()) n += c.connected ? 1 : 0;
    return n;
  }

  isConnected(address: string): boolean {
    return this.connection(address).connected;
  }

  /** Fault: the DTU loses its connection; it dials in again after `reconnectAfterMs`. */
  drop(address: string, reconnectAfterMs = this.opts.reconnectMs ?? 1000): void {
    this.connection(address).drop(reconnectAfterMs);
  }

  /** Fault: the DTU goes off the network (connection closed) until `rejoin`. */
  leave(address: string): void {
    this.connection(address).leave();
  }

  rejoin(address: string): void {
    this.connection(address).rejoin();
  }

  /** Fault: every frame the meter sends is corrupt (true) or whole again (false). */
  garble(address: string, on: boolean): void {
    this.connection(address).garbled = on;
  }

  /** Stop every meter's energy counters (readings still answer, with the last values). */
  freeze(): void {
    for (const c of this.connections.values()) c.meter.household.frozen = true;
  }

  /** Fault: line noise on the connection (includes 0x68 bytes to tempt the frame finder). */
  garbage(address: string, bytes: Buffer = garbageBytes()): void {
    this.connection(address).socket?.write(bytes);
  }

  /** Fault: answers arrive `ms` late (0 = normal). */
  slow(address: string, ms: number): void {
    this.connection(address).slowMs = ms;
  }

  /** Fault: every read is answered with this error word (undefined = normal answers). */
  errors(address: string, errorWord: number | undefined): void {
    this.connection(address).meter.errorWord = errorWord;
  }

  /** Pin a DI to a value (e.g. a voltage sag); undefined lets it move again. */
  setValue(address: string, di: string, value: number | undefined): void {
    const overrides = this.connection(address).meter.household.overrides;
    if (value === undefined) overrides.delete(di);
    else overrides.set(di, value);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    const closing = [...this.connections.values()].map((c) => {
      const socket = c.socket;
      const closed =
        socket && !socket.destroyed ? new Promise<void>((resolve) => socket.once('close', () => resolve())) : Promise.resolve();
      c.stop();
      return closed;
    });
    await Promise.all(closing);
  }

  private connection(address: string): SimConnection {
    const c = this.connections.get(address);
    if (!c) throw new Error(`no simulated meter ${address}`);
    return c;
  }

  private randomConnection(): SimConnection | undefined {
    const all = [...this.connections.values()].filter((c) => c.connected);
    return all[Math.floor(Math.random() * all.length)];
  }

  /** Dial in a few hundred at a time, as a fleet of DTUs would, not all in one instant. */
  private connectInBatches(pending: SimConnection[]): void {
    for (const c of pending.splice(0, CONNECT_BATCH)) c.connect();
    if (pending.length === 0 || this.stopped) return;
    const t = setTimeout(() => this.connectInBatches(pending), CONNECT_BATCH_GAP_MS);
    t.unref();
    this.timers.push(t);
  }

  private every(ms: number, fn: () => void): void {
    const t = setInterval(fn, ms);
    t.unref();
    this.timers.push(t);
  }
}

export function startDlt645Sim(opts: Dlt645SimOptions): Dlt645Sim {
  const sim = new Dlt645Sim(opts);
  sim.start();
  return sim;
}

/** A copy of `frame` with one byte inside the frame flipped, so its checksum fails. */
function garbled(frame: Buffer): Buffer {
  const copy = Buffer.from(frame);
  const middle = copy.length >> 1;
  copy.writeUInt8(copy.readUInt8(middle) ^ 0x5a, middle);
  return copy;
}

function garbageBytes(): Buffer {
  const junk = Buffer.alloc(24);
  for (let i = 0; i < junk.length; i++) junk[i] = Math.floor(Math.random() * 256);
  junk[3] = 0x68;
  junk[10] = 0x68;
  return junk;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
