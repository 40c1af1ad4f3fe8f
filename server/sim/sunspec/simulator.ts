/**
 * A SunSpec Modbus TCP server (modbus-serial's ServerTCP) holding simulated devices by unit
 * id. Its day runs on a SimClock: the inverter feeds by day, reports SLEEPING at dusk and
 * answers nothing at night, while the meter answers around the clock. Faults on demand:
 * `timeout` (no answer), `exception` (server device failure), `wrong-marker`.
 */
import { ServerTCP } from 'modbus-serial';
import { decodeModel } from '../../protocols/sunspec/block.ts';
import { modelDef } from '../../protocols/sunspec/definitions.ts';
import { type ClockOptions, phaseAt, SimClock, type SunPhase } from '../daylight.ts';
import { meter, plenticore, registerImage, type SimDevice } from './devices.ts';

export const SIM_FAULTS = ['timeout', 'exception', 'wrong-marker'] as const;
export type SimFault = (typeof SIM_FAULTS)[number];

/** Models a client may write to. */
const WRITABLE = new Set([123, 124]);

export interface SunSpecSimOptions {
  host?: string;
  port?: number;
  /** Where the marker is: 40000 (default), 0 or 50000. */
  base?: number;
  inverterUnit?: number;
  meterUnit?: number;
  serial?: string;
  clock?: ClockOptions;
  fault?: SimFault | null;
  /** Refuse a read that spans two models, as some devices do (exception 2). */
  perModelReads?: boolean;
}

type Callback<T> = (err: Error | null, value: T) => void;

export class SunSpecSim {
  readonly clock: SimClock;
  readonly devices: readonly [inverter: SimDevice, meter: SimDevice];
  readonly base: number;
  readonly serial: string;
  private server: ServerTCP | undefined;
  private fault: SimFault | null;
  private lastHour: number;
  private frozen = false;
  private boundPort: number;
  /** Requests and registers served, for the bench. */
  readonly stats = { requests: 0, registers: 0 };

  constructor(private readonly opts: SunSpecSimOptions = {}) {
    this.clock = new SimClock(opts.clock);
    this.base = opts.base ?? 40000;
    this.serial = opts.serial ?? '90554KPL00042';
    this.devices = [plenticore(opts.inverterUnit ?? 71, this.serial), meter(opts.meterUnit ?? 72, `KSEM${this.serial.slice(-6)}`)];
    this.fault = opts.fault ?? null;
    this.boundPort = opts.port ?? 1502;
    this.lastHour = this.clock.hour();
    this.tick();
  }

  get host(): string {
    return this.opts.host ?? '127.0.0.1';
  }

  get port(): number {
    return this.boundPort;
  }

  get phase(): SunPhase {
    return phaseAt(this.clock.hour(), 'refused');
  }

  async start(): Promise<void> {
    const server = new ServerTCP(
      {
        getHoldingRegister: (addr: number, unit: number, cb: Callback<number>) => {
          const outcome = this.answer(addr, 1, unit);
          reply(Array.isArray(outcome) ? (outcome[0] ?? 0x02) : outcome, cb);
        },
        getMultipleHoldingRegisters: (addr: number, length: number, unit: number, cb: Callback<number[]>) =>
          reply(this.answer(addr, length, unit), cb),
        setRegister: (addr: number, value: number, unit: number, cb: Callback<void>) => this.written(this.store(addr, [value], unit), cb),
        setRegisterArray: (addr: number, values: number[], unit: number, cb: Callback<void>) =>
          this.written(this.store(addr, values, unit), cb),
      },
      { host: this.host, port: this.boundPort, unitID: 255 },
    );
    await new Promise<void>((resolve, reject) => {
      server.on('initialized', () => resolve());
      server.on('serverError', (err) => reject(err));
    });
    // A client that goes away mid-request is its business, not the simulator's.
    server.on('socketError', () => undefined);
    server.on('error', () => undefined);
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  setFault(fault: SimFault | null): void {
    this.fault = fault;
  }

  /** Sets the hour without running the counters through the hours between. */
  setHour(hour: number): void {
    this.tick();
    this.clock.setHour(hour);
    this.lastHour = this.clock.hour();
    this.tick();
  }

  /** Counters stand still from now on. */
  freeze(): void {
    this.tick();
    this.frozen = true;
  }

  device(unit: number): SimDevice | undefined {
    return this.devices.find((d) => d.unitId === unit);
  }

  /** Moves every device to the clock's hour, counting the simulated hours since the last call. */
  private tick(): void {
    const hour = this.clock.hour();
    const hours = this.frozen ? 0 : (hour - this.lastHour + 24) % 24;
    this.lastHour = hour;
    for (const d of this.devices) d.advance(hour, hours, this.phase);
  }

  /** The device's register image as a client sees it now. */
  image(device: SimDevice): number[] {
    const regs = registerImage(device);
    if (this.fault === 'wrong-marker') regs[0] = 0x5375 ^ 0xffff;
    return regs;
  }

  private written(outcome: number | 'silent' | 'done', cb: Callback<void>): void {
    reply(outcome === 'done' ? undefined : outcome, cb);
  }

  /** What a request gets: registers, an exception code, or silence (no answer is sent). */
  private answer(addr: number, length: number, unit: number): number[] | number | 'silent' {
    const device = this.device(unit);
    if (!device) return 0x0b;
    if (this.fault === 'timeout' || (device.sleeps && this.phase === 'unpowered')) return 'silent';
    if (this.fault === 'exception') return 0x04;
    this.tick();
    const regs = this.image(device);
    const from = addr - this.base;
    if (from < 0 || from + length > regs.length) return 0x02;
    if (this.opts.perModelReads && spansModels(regs, from, length)) return 0x02;
    this.stats.requests++;
    this.stats.registers += length;
    return regs.slice(from, from + length);
  }

  /** A write lands in the image, then each control model it touched takes its values from there. */
  private store(addr: number, values: number[], unit: number): number | 'silent' | 'done' {
    const device = this.device(unit);
    if (!device) return 0x0b;
    if (this.fault === 'timeout' || (device.sleeps && this.phase === 'unpowered')) return 'silent';
    if (this.fault === 'exception') return 0x04;
    const regs = this.image(device);
    let at = 2;
    const touched: { model: SimDevice['models'][number]; start: number; end: number }[] = [];
    for (const model of device.models) {
      const length = regs[at + 1];
      if (length === undefined) break;
      const end = at + length + 2;
      const written = addr - this.base < end && addr - this.base + values.length > at;
      if (written) touched.push({ model, start: at, end });
      at = end;
    }
    if (touched.length === 0 || touched.some((t) => !WRITABLE.has(t.model.id))) return 0x02;
    for (const [i, v] of values.entries()) regs[addr - this.base + i] = v;
    for (const { model, start, end } of touched) {
      const def = modelDef(model.id);
      if (!def) continue;
      for (const p of decodeModel(def, regs.slice(start, end)).points) {
        if (p.path !== 'ID' && p.path !== 'L' && p.def.type !== 'pad') model.block.values[p.path] = p.value;
      }
    }
    return 'done';
  }
}

/** The read crosses from one model block (or the marker) into the next. */
function spansModels(regs: number[], from: number, length: number): boolean {
  const starts = [0];
  let at = 2;
  for (let length = regs[at + 1]; length !== undefined; length = regs[at + 1]) {
    starts.push(at);
    at += length + 2;
  }
  const blockOf = (address: number) => starts.filter((s) => s <= address).length;
  return blockOf(from) !== blockOf(from + length - 1);
}

/** Hands an outcome to modbus-serial's server callback (an exception code becomes an exception response); silence never calls it. */
function reply<T>(outcome: T | number | 'silent', cb: Callback<T>): void {
  if (outcome === 'silent') return;
  if (typeof outcome === 'number') {
    cb(Object.assign(new Error(`Modbus exception ${outcome}`), { modbusErrorCode: outcome }), undefined as T);
    return;
  }
  cb(null, outcome);
}
