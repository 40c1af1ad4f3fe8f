/**
 * The hub: registry of devices, their last values and availability. Drivers report
 * readings into it; MQTT and the web UI listen to it; commands are routed through it.
 */
import { EventEmitter } from 'node:events';
import { effectiveRange, enumLabel, findRegister, type RegisterDescriptor, type RegisterValue } from './registers.ts';

/** `connecting`: a configured device that has not answered yet (it is listed before its first answer). */
export type Availability = 'online' | 'offline' | 'asleep' | 'fault' | 'connecting' | 'unknown';

export interface DeviceInfo {
  /** Identity from the device itself (address, LFDI, serial, portal id…), `[A-Za-z0-9_-]`. */
  id: string;
  kind: string;
  name: string;
  manufacturer?: string;
  model?: string;
  serialNumber?: string;
  swVersion?: string;
  /** Writes to this device are allowed by the user. */
  allowWrites?: boolean;
  /** The option that turns this device's writes on, for the refusal; none: it takes no writes. */
  writesOption?: string;
  /** `readings`: one telemetry message per batch (DLMS); `register`: one per reading. */
  telemetry?: 'register' | 'readings';
  /** Extra fields for the MQTT status payload (e.g. `ip`). */
  statusExtra?: Record<string, unknown>;
  /**
   * The id the entities' unique ids are built from, when it is not `id`: a device that moved
   * to a new id keeps its entities, and Home Assistant their history.
   */
  uniqueIdBase?: string;
  /** The id this device had until now; its discovery is migrated to this one. */
  replaces?: string;
  /**
   * The options entry this device belongs to (`listedKey`); absent for a device its driver
   * found by itself (an auto-adopted dial-in meter), which options changes leave alone.
   */
  listed?: string;
}

export interface Reading {
  key: string;
  value: RegisterValue;
  /** Raw protocol bytes/text as hex or string, for telemetry. */
  raw?: string;
  /** The device refused this register (its own error reply): there is no value, and a command reading it fails with this. */
  error?: string;
}

export interface DeviceEvent {
  type: 'alarm' | 'warning' | 'info';
  event: string;
  message: string;
  data?: Record<string, unknown>;
}

export interface PublishedReading {
  register: RegisterDescriptor;
  value: RegisterValue;
  raw?: string;
  /** Set when the device refused the register; `value` is then null. */
  error?: string;
}

export interface DeviceController {
  /** Read these registers from the device now and return what came back. */
  read?(keys: string[]): Promise<Reading[]>;
  /**
   * Learn what the hub's check of a write needs before it runs (the device's own range of
   * the setting); throws CommandError when that fails.
   */
  prepareWrite?(key: string): Promise<void>;
  /** Write one register, already checked against its effective range; resolves with the value read back. */
  write?(key: string, value: RegisterValue): Promise<RegisterValue>;
  /** The device was removed by the user: forget it. */
  remove?(): Promise<void> | void;
}

export interface DeviceStatus {
  availability: Availability;
  reason?: string;
  since: number;
}

export interface DeviceRecord {
  info: DeviceInfo;
  registers: RegisterDescriptor[];
  /** Each register of the table; undefined until a value was read. */
  state: Record<string, RegisterValue | undefined>;
  updated: Record<string, number | undefined>;
  status: DeviceStatus;
  diagnostics: Record<string, unknown>;
  /** Kept by the hub for every device, whatever its driver reports. */
  counters: { readings: number; rejected: number; faults: number; lastReadingAt: number | null };
  controller: DeviceController;
}

export interface HubEvents {
  'device-added': [DeviceRecord];
  'device-changed': [DeviceRecord];
  /** The second element: the id the device moved to, when it did. */
  'device-removed': [DeviceRecord, string | undefined];
  readings: [DeviceRecord, PublishedReading[], number];
  status: [DeviceRecord];
  event: [DeviceRecord, DeviceEvent, number];
  diagnostics: [DeviceRecord];
}

export class CommandError extends Error {}

/** A write to a device whose writes are off (a permission, not a bad request). */
export class WritesOffError extends CommandError {}

const ID_PATTERN = /^[A-Za-z0-9_-]+$/;

/**
 * Per register table, an object holding each key (undefined: not read yet), in table order.
 * Devices' `state` and `updated` are copies of it, so every device of a table shares one
 * hidden class with its values stored inline. Grown key by key in whatever order values
 * arrive, ten thousand meters' records split into diverging classes and V8 turns them into
 * dictionaries: 830 bytes each instead of about 200.
 */
const recordShapes = new WeakMap<readonly RegisterDescriptor[], Record<string, undefined>>();

function emptyRecordOf<T>(registers: readonly RegisterDescriptor[]): Record<string, T | undefined> {
  let shape = recordShapes.get(registers);
  if (!shape) {
    // JSON.parse builds the object in one go, as a literal would.
    const built = JSON.parse(JSON.stringify(Object.fromEntries(registers.map((r) => [r.key, 0])))) as Record<string, undefined>;
    for (const key of Object.keys(built)) built[key] = undefined;
    shape = built;
    recordShapes.set(registers, shape);
  }
  return { ...shape };
}

/** The values a device record holds (its keys not read yet left out), e.g. for a JSON view. */
export function valuesRead<T>(record: Record<string, T | undefined>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [key, value] of Object.entries(record)) if (value !== undefined) out[key] = value;
  return out;
}

export class Hub extends EventEmitter<HubEvents> {
  private readonly devices = new Map<string, DeviceRecord>();
  readonly stats = { readings: 0, rejected: 0, events: 0 };

  constructor(private readonly now: () => number = Date.now) {
    super();
    this.setMaxListeners(50);
  }

  list(): DeviceRecord[] {
    return [...this.devices.values()];
  }

  get(id: string): DeviceRecord | undefined {
    return this.devices.get(id);
  }

  /** Add a device, or update its info and table if it is known; returns its handle. */
  addDevice(info: DeviceInfo, registers: RegisterDescriptor[], controller: DeviceController = {}): DeviceHandle {
    if (!ID_PATTERN.test(info.id)) throw new Error(`device id "${info.id}" may only hold letters, digits, _ and -`);
    const existing = this.devices.get(info.id);
    if (existing) {
      existing.info = info;
      existing.registers = registers;
      existing.controller = controller;
      this.emit('device-changed', existing);
    } else {
      const record: DeviceRecord = {
        info,
        registers,
        state: emptyRecordOf(registers),
        updated: emptyRecordOf(registers),
        status: { availability: 'unknown', since: this.now() },
        diagnostics: {},
        counters: { readings: 0, rejected: 0, faults: 0, lastReadingAt: null },
        controller,
      };
      this.devices.set(info.id, record);
      this.emit('device-added', record);
    }
    return new DeviceHandle(this, info.id);
  }

  /** Registers found at run time (unknown OBIS codes, new GX paths). */
  addRegisters(id: string, registers: RegisterDescriptor[]): void {
    const rec = this.devices.get(id);
    if (!rec) return;
    const fresh = registers.filter((r) => !rec.registers.some((x) => x.key === r.key));
    if (fresh.length === 0) return;
    rec.registers = [...rec.registers, ...fresh];
    this.emit('device-changed', rec);
  }

  async removeDevice(id: string, movedTo?: string): Promise<boolean> {
    const rec = this.devices.get(id);
    if (!rec) return false;
    this.devices.delete(id);
    await rec.controller.remove?.();
    this.emit('device-removed', rec, movedTo);
    return true;
  }

  /**
   * Accept readings from a driver. Values for unknown keys, implausible values and
   * counters that went backwards are not stored or published; each gets an event.
   */
  publish(id: string, readings: Reading[]): PublishedReading[] {
    const rec = this.devices.get(id);
    if (!rec) return [];
    const ts = this.now();
    const accepted: PublishedReading[] = [];
    for (const reading of readings) {
      const reg = rec.registers.find((r) => r.key === reading.key);
      if (!reg) continue;
      if (reading.error !== undefined) {
        // The device has no value for it now: Home Assistant shows it as unknown.
        rec.state[reg.key] = null;
        rec.updated[reg.key] = ts;
        accepted.push({ register: reg, value: null, raw: reading.raw, error: reading.error });
        continue;
      }
      const value = this.normalise(rec, reg, reading.value, ts);
      if (value === undefined) {
        this.stats.rejected++;
        rec.counters.rejected++;
        continue;
      }
      rec.state[reg.key] = value;
      rec.updated[reg.key] = ts;
      accepted.push({ register: reg, value, raw: reading.raw });
    }
    if (accepted.length > 0) {
      this.stats.readings += accepted.length;
      rec.counters.readings += accepted.length;
      rec.counters.lastReadingAt = ts;
      this.emit('readings', rec, accepted, ts);
    }
    return accepted;
  }

  private normalise(rec: DeviceRecord, reg: RegisterDescriptor, value: RegisterValue, ts: number): RegisterValue | undefined {
    if (value === null) return null;
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) return null;
      if (reg.type === 'enum') return enumLabel(reg, value);
      if (reg.type === 'bool') return value !== 0;
      if (reg.bounds && (value < reg.bounds.min || value > reg.bounds.max)) {
        this.emitEvent(
          rec,
          {
            type: 'warning',
            event: 'implausible_value',
            message: `${reg.name}: ${value} ${reg.unit ?? ''} is outside ${reg.bounds.min}..${reg.bounds.max}; not published`.replace(
              '  ',
              ' ',
            ),
            data: { register: reg.key, value, bounds: reg.bounds },
          },
          ts,
        );
        return undefined;
      }
      if (reg.stateClass === 'total_increasing') {
        const last = rec.state[reg.key];
        if (typeof last === 'number' && value < last) {
          if (reg.resetsDaily && localDay(rec.updated[reg.key]) !== localDay(ts)) {
            this.emitEvent(
              rec,
              {
                type: 'info',
                event: 'counter_reset',
                message: `${reg.name} restarted for a new day`,
                data: { register: reg.key, last, value },
              },
              ts,
            );
            return value;
          }
          this.emitEvent(
            rec,
            {
              type: 'warning',
              event: 'counter_regression',
              message: `${reg.name} went backwards from ${last} to ${value} ${reg.unit ?? ''}; not published`.trim(),
              data: { register: reg.key, last, value },
            },
            ts,
          );
          return undefined;
        }
      }
    }
    return value;
  }

  setStatus(id: string, availability: Availability, reason?: string): void {
    const rec = this.devices.get(id);
    if (!rec) return;
    if (rec.status.availability === availability && rec.status.reason === reason) return;
    rec.status = { availability, reason, since: this.now() };
    if (availability === 'fault' || availability === 'offline') rec.counters.faults++;
    this.emit('status', rec);
  }

  emitEvent(rec: DeviceRecord, event: DeviceEvent, ts = this.now()): void {
    this.stats.events++;
    this.emit('event', rec, event, ts);
  }

  setDiagnostics(id: string, diagnostics: Record<string, unknown>): void {
    const rec = this.devices.get(id);
    if (!rec) return;
    Object.assign(rec.diagnostics, diagnostics);
    this.emit('diagnostics', rec);
  }

  /** Read registers now (command API, UI). Throws CommandError with a user-facing message. */
  async read(id: string, keys: string[]): Promise<PublishedReading[]> {
    const rec = this.requireOnline(id);
    const regs = keys.map((k) => {
      const reg = findRegister(rec.registers, k);
      if (!reg) throw new CommandError(`Unknown register "${k}" for ${rec.info.kind} device ${id}`);
      return reg;
    });
    if (!rec.controller.read) {
      return regs.map((r) => ({ register: r, value: rec.state[r.key] ?? null }));
    }
    const readings = await rec.controller.read(regs.map((r) => r.key));
    const published = this.publish(id, readings);
    return regs.map((r) => published.find((p) => p.register.key === r.key) ?? { register: r, value: rec.state[r.key] ?? null });
  }

  /** Write one register after checking that writes are allowed and the value fits. */
  async write(id: string, key: string, value: RegisterValue): Promise<RegisterValue> {
    const rec = this.requireOnline(id);
    const reg = findRegister(rec.registers, key);
    if (!reg) throw new CommandError(`Unknown register "${key}" for ${rec.info.kind} device ${id}`);
    if (!reg.writable && !reg.writesOff) throw new CommandError(`Register "${reg.key}" is read-only`);
    if (!rec.info.allowWrites || reg.writesOff || !rec.controller.write) throw writesOff(rec.info);
    await rec.controller.prepareWrite?.(reg.key);
    const checked = checkWriteValue(reg, value);
    const readBack = await rec.controller.write(reg.key, checked);
    this.publish(id, [{ key: reg.key, value: readBack }]);
    return rec.state[reg.key] ?? readBack;
  }

  private requireOnline(id: string): DeviceRecord {
    const rec = this.devices.get(id);
    if (!rec) throw new CommandError(`Unknown device ${id}`);
    const { availability } = rec.status;
    if (availability === 'offline' || availability === 'unknown' || availability === 'connecting') {
      throw new CommandError(`Meter not connected (${rec.status.reason ?? rec.status.availability})`);
    }
    return rec;
  }
}

/** The refusal for a device whose writes are off, naming the option that turns them on. */
export function writesOff(info: Pick<DeviceInfo, 'id' | 'name' | 'writesOption'>): WritesOffError {
  const remedy = info.writesOption ? `turn on ${info.writesOption} in its options` : 'it takes no writes';
  return new WritesOffError(`Writes are off for device ${info.id} ("${info.name}"): ${remedy}`);
}

function localDay(ts: number | undefined): string {
  if (ts === undefined) return '';
  const d = new Date(ts);
  return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
}

/** Validate and convert a value for a writable register; throws CommandError naming the problem. */
export function checkWriteValue(reg: RegisterDescriptor, value: RegisterValue): RegisterValue {
  if (reg.type === 'enum') {
    const label = typeof value === 'number' ? enumLabel(reg, value) : value;
    if (typeof label !== 'string' || !reg.options?.includes(label)) {
      throw new CommandError(`Value ${JSON.stringify(value)} for "${reg.key}" must be one of: ${reg.options?.join(', ')}`);
    }
    const idx = reg.options.indexOf(label);
    if (!reg.enumValues) return idx;
    const raw = reg.enumValues[idx];
    if (raw === undefined) throw new CommandError(`"${reg.key}" has no raw value for "${label}"`);
    return raw;
  }
  if (reg.type === 'bool') {
    if (value === true || value === 'ON' || value === 1 || value === 'true') return true;
    if (value === false || value === 'OFF' || value === 0 || value === 'false') return false;
    throw new CommandError(`Value ${JSON.stringify(value)} for "${reg.key}" must be ON/OFF or true/false`);
  }
  if (reg.type === 'text') {
    if (typeof value !== 'string') throw new CommandError(`Value for "${reg.key}" must be text`);
    return value;
  }
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n))
    throw new CommandError(`Value ${JSON.stringify(value)} for "${reg.key}" is not a number`);
  const { min, max, from } = effectiveRange(reg);
  const whose = from === 'device' ? "the device's" : 'the';
  if (min !== undefined && n < min) throw new CommandError(`Value ${n} for "${reg.key}" is below ${whose} minimum ${min}`);
  if (max !== undefined && n > max) throw new CommandError(`Value ${n} for "${reg.key}" is above ${whose} maximum ${max}`);
  return n;
}

/** What a driver holds for one device. */
export class DeviceHandle {
  constructor(
    private readonly hub: Hub,
    readonly id: string,
  ) {}

  publish(readings: Reading[]): PublishedReading[] {
    return this.hub.publish(this.id, readings);
  }

  setStatus(availability: Availability, reason?: string): void {
    this.hub.setStatus(this.id, availability, reason);
  }

  event(event: DeviceEvent): void {
    const rec = this.hub.get(this.id);
    if (rec) this.hub.emitEvent(rec, event);
  }

  diagnostics(diag: Record<string, unknown>): void {
    this.hub.setDiagnostics(this.id, diag);
  }

  addRegisters(registers: RegisterDescriptor[]): void {
    this.hub.addRegisters(this.id, registers);
  }

  get record(): DeviceRecord | undefined {
    return this.hub.get(this.id);
  }
}
