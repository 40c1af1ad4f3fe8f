/**
 * A simulated Xcom-232i and the devices on its CAN bus. It answers one request at a time
 * as the real gateway does (studer-scom.md §3–4), errors included, and reproduces the
 * seed's drop-out fault: when a device drops off the bus, the gateway keeps a stale device
 * table and answers the other Xtenders with nonsense until the DTE starts a new session
 * (it reads the gateway's GUID, which every client does first when it (re)connects).
 */
import { INFOS, IDENTITY_INFOS, KIND_ADDRESSES, PARAMETERS, XCOM_PARAMETERS, type SimKind, type SimParameter } from './catalogue.ts';
import { responseFrame, type SimRequest } from './wire.ts';

export interface SimDeviceSpec {
  kind: SimKind;
  address: number;
  /** Factory id, read as "ID FID msb/lsb": the device's serial number. */
  fid: number;
}

interface SimDevice extends SimDeviceSpec {
  params: Map<number, SimParameter & { ram: number }>;
  phase: number;
}

export interface SimAnswer {
  frame: Buffer;
  delayMs: number;
}

export interface NonsenseRecord {
  address: number;
  objectId: number;
  value: number;
}

const XCOM = 501;
const MULTICAST: Record<number, SimKind | 'all'> = {
  0: 'all',
  100: 'xtender',
  191: 'xtender',
  192: 'xtender',
  193: 'xtender',
  300: 'variotrack',
  600: 'bsp',
  700: 'variostring',
};
const ERR = {
  SERVICE_NOT_SUPPORTED: 0x11,
  DEVICE_NOT_FOUND: 0x02,
  RESPONSE_TIMEOUT: 0x03,
  TYPE_NOT_SUPPORTED: 0x21,
  OBJECT_ID_NOT_FOUND: 0x22,
  PROPERTY_NOT_SUPPORTED: 0x23,
  INVALID_DATA_LENGTH: 0x24,
  PROPERTY_IS_READ_ONLY: 0x25,
  INVALID_DATA: 0x26,
  DATA_TOO_SMALL: 0x27,
  DATA_TOO_BIG: 0x28,
  MULTICAST_READ: 0x2d,
} as const;
const SIZE = { float: 4, short: 2, bool: 1, long: 4, int32: 4 } as const;
/** Xtender FLOAT infos come back this many times too large while the table is stale. */
const NONSENSE_FACTOR = 37;

/** "xt:3,vt:1,vs:0,bsp:1" → device specs with consecutive addresses and made-up FIDs. */
export function parseDeviceList(list: string): SimDeviceSpec[] {
  const alias: Record<string, SimKind> = {
    xt: 'xtender',
    xtender: 'xtender',
    vt: 'variotrack',
    variotrack: 'variotrack',
    vs: 'variostring',
    variostring: 'variostring',
    bsp: 'bsp',
  };
  const out: SimDeviceSpec[] = [];
  for (const part of list
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [name = '', countText = '1'] = part.split(':');
    const kind = alias[name.toLowerCase()];
    const count = Number(countText);
    if (!kind) throw new Error(`unknown device kind "${name}" (use xt, vt, vs or bsp)`);
    const range = KIND_ADDRESSES[kind];
    if (!Number.isInteger(count) || count < 0 || count > range.last - range.first + 1)
      throw new Error(`"${part}": ${name} count must be 0..${range.last - range.first + 1}`);
    for (let i = 0; i < count; i++) out.push({ kind, address: range.first + i, fid: 0x1f000000 + (range.first + i) * 0x101 });
  }
  return out;
}

export class XcomGatewaySim {
  private readonly deviceMap = new Map<number, SimDevice>();
  private readonly dropped = new Set<number>();
  /** Infos a device answers with one fixed value (a faulty sensor), by "address:objectId". */
  private readonly pinned = new Map<string, number>();
  /** The gateway's device table went stale after a drop-out. */
  private stale = false;
  private restarted = true;
  /** The gateway's message history, newest last; `unread` drives the "message pending" flag. */
  private readonly messages: { type: number; source: number; timestamp: number }[] = [];
  private unread = false;
  private readonly started: number;
  readonly guid = Buffer.from('3322110055447766889900aabbccddee', 'hex');
  readonly stats = { requests: 0, errors: 0, sessions: 0, flashWrites: 0, ramWrites: 0 };
  readonly nonsense: NonsenseRecord[] = [];

  constructor(
    specs: SimDeviceSpec[],
    private readonly opts: {
      dropTimeoutMs?: number;
      latencyMs?: number;
      now?: () => number;
      /** Property ids a user info may be read with; 0x0001 per the spec, 0x0005/0x000D as community libraries use. */
      infoProperties?: number[];
    } = {},
  ) {
    this.started = this.now();
    specs.forEach((spec, i) => {
      const params = new Map(Object.entries(PARAMETERS[spec.kind]).map(([id, p]) => [Number(id), { ...p, ram: p.value }]));
      this.deviceMap.set(spec.address, { ...spec, params, phase: i });
    });
  }

  private now(): number {
    return this.opts.now?.() ?? Date.now();
  }

  /** The device stops answering on the CAN bus; the gateway's table goes stale. */
  dropOut(address: number): void {
    this.dropped.add(address);
    this.stale = true;
  }

  /** A device raises an RCC message (e.g. 16, fan error); the next answers carry the pending flag. */
  raiseMessage(type: number, source: number): void {
    this.messages.push({ type, source, timestamp: Math.floor(this.now() / 1000) });
    this.unread = true;
  }

  /** A device's sensor goes bad: the info answers `value` from now on; undefined heals it. */
  pinInfo(address: number, objectId: number, value: number | undefined): void {
    const key = `${address}:${objectId}`;
    if (value === undefined) this.pinned.delete(key);
    else this.pinned.set(key, value);
  }

  /** A device reports another range for a parameter (a 120 V unit, another battery voltage) and enforces it. */
  setParameterRange(address: number, id: number, range: { min: number; max: number }): void {
    const p = this.deviceMap.get(address)?.params.get(id);
    if (!p) throw new Error(`no parameter ${id} on the simulated device at ${address}`);
    p.min = range.min;
    p.max = range.max;
  }

  restore(address: number): void {
    this.dropped.delete(address);
  }

  get devices(): SimDeviceSpec[] {
    return [...this.deviceMap.values()].map(({ kind, address, fid }) => ({ kind, address, fid }));
  }

  /** What a user info of a device reads now (as a FLOAT it goes out as float32); undefined if it has none. */
  infoNow(address: number, objectId: number): number | undefined {
    const dev = this.deviceMap.get(address);
    return dev && this.infoValue(dev, objectId)?.value;
  }

  get isStale(): boolean {
    return this.stale;
  }

  parameter(address: number, id: number): { flash: number; ram: number } | undefined {
    const p = this.deviceMap.get(address)?.params.get(id);
    return p && { flash: p.value, ram: p.ram };
  }

  handle(req: SimRequest): SimAnswer | null {
    this.stats.requests++;
    if (req.dst === 1) return null;
    const latency = this.opts.latencyMs ?? 0;
    const ok = (payload: Buffer, from = req.dst): SimAnswer => ({
      frame: responseFrame(req, this.flags(), from, payload, false),
      delayMs: latency,
    });
    const fail = (code: number, delayMs = latency): SimAnswer => {
      this.stats.errors++;
      const payload = Buffer.alloc(2);
      payload.writeUInt16LE(code);
      return { frame: responseFrame(req, this.flags(), req.dst, payload, true), delayMs };
    };
    if (req.serviceId !== 1 && req.serviceId !== 2) return fail(ERR.SERVICE_NOT_SUPPORTED);
    if (req.dst in MULTICAST) {
      if (req.serviceId === 1) return fail(ERR.MULTICAST_READ);
      const kind = MULTICAST[req.dst];
      let last: SimAnswer | undefined;
      for (const dev of this.deviceMap.values()) {
        if (kind === 'all' || dev.kind === kind) last = this.onDevice(dev, req, ok, fail);
      }
      return last ?? fail(ERR.DEVICE_NOT_FOUND);
    }
    if (req.dst === XCOM) return this.onGateway(req, ok, fail);
    const dev = this.deviceMap.get(req.dst);
    if (!dev) return fail(ERR.DEVICE_NOT_FOUND);
    if (this.dropped.has(dev.address)) {
      // While the table is stale the gateway still waits for the lost device on the bus.
      return this.stale ? fail(ERR.RESPONSE_TIMEOUT, this.opts.dropTimeoutMs ?? 500) : fail(ERR.DEVICE_NOT_FOUND);
    }
    return this.onDevice(dev, req, ok, fail);
  }

  private flags(): number {
    return 0x24 | (this.restarted ? 0x02 : 0) | (this.unread ? 0x01 : 0);
  }

  private onGateway(req: SimRequest, ok: (p: Buffer) => SimAnswer, fail: (c: number) => SimAnswer): SimAnswer {
    if (req.objectType === 4) {
      if (req.serviceId !== 1) return fail(ERR.PROPERTY_IS_READ_ONLY);
      this.stats.sessions++;
      this.stale = false;
      return ok(this.guid);
    }
    if (req.objectType === 2) {
      const p = XCOM_PARAMETERS[req.objectId];
      if (!p) return fail(ERR.OBJECT_ID_NOT_FOUND);
      if (req.serviceId === 2) {
        if (req.objectId === 5104) this.restarted = false;
        return ok(Buffer.alloc(0));
      }
      const value = req.objectId === 5002 ? Math.floor(this.now() / 1000) : p.value;
      return ok(this.encode(p.format, value));
    }
    if (req.objectType === 3) {
      // Index 0 is the newest message and clears the pending flag; higher indexes go back in time.
      const msg = this.messages[this.messages.length - 1 - req.objectId];
      if (req.serviceId !== 1 || req.propertyId !== 0) return fail(ERR.PROPERTY_NOT_SUPPORTED);
      if (!msg) return fail(ERR.OBJECT_ID_NOT_FOUND);
      if (req.objectId === 0) this.unread = false;
      const payload = Buffer.alloc(18);
      payload.writeInt32LE(this.messages.length, 0);
      payload.writeUInt16LE(msg.type, 4);
      payload.writeInt32LE(msg.source, 6);
      payload.writeInt32LE(msg.timestamp, 10);
      return ok(payload);
    }
    if (req.objectType === 1) return fail(ERR.OBJECT_ID_NOT_FOUND);
    return fail(ERR.TYPE_NOT_SUPPORTED);
  }

  private onDevice(
    dev: SimDevice,
    req: SimRequest,
    ok: (p: Buffer, from?: number) => SimAnswer,
    fail: (c: number) => SimAnswer,
  ): SimAnswer {
    if (req.objectType === 1) {
      if (req.serviceId === 2) return fail(ERR.PROPERTY_IS_READ_ONLY);
      if (!(this.opts.infoProperties ?? [0x01, 0x05, 0x0d]).includes(req.propertyId)) return fail(ERR.PROPERTY_NOT_SUPPORTED);
      const info = this.infoValue(dev, req.objectId);
      if (!info) return fail(ERR.OBJECT_ID_NOT_FOUND);
      let value = info.value;
      if (this.stale && dev.kind === 'xtender' && info.format === 'float' && Number.isFinite(value)) {
        value *= NONSENSE_FACTOR;
        this.nonsense.push({ address: dev.address, objectId: req.objectId, value: Math.fround(value) });
      }
      return ok(this.encode(info.format, value), dev.address);
    }
    if (req.objectType === 2) {
      const p = dev.params.get(req.objectId);
      if (!p) return fail(ERR.OBJECT_ID_NOT_FOUND);
      if (req.serviceId === 1) {
        const byProperty: Record<number, [SimParameter['format'] | 'short', number]> = {
          0x05: [p.format, p.value],
          0x06: [p.format, p.min],
          0x07: [p.format, p.max],
          0x08: ['short', 0x20],
          0x0d: [p.format, p.ram],
        };
        const entry = byProperty[req.propertyId];
        return entry ? ok(this.encode(entry[0], entry[1]), dev.address) : fail(ERR.PROPERTY_NOT_SUPPORTED);
      }
      if (req.propertyId !== 0x05 && req.propertyId !== 0x0d) return fail(ERR.PROPERTY_IS_READ_ONLY);
      if (req.value.length !== SIZE[p.format]) return fail(ERR.INVALID_DATA_LENGTH);
      const value = this.decode(p.format, req.value);
      if (p.format === 'bool' && value > 1) return fail(ERR.INVALID_DATA);
      if (value < p.min) return fail(ERR.DATA_TOO_SMALL);
      if (value > p.max) return fail(ERR.DATA_TOO_BIG);
      if (!p.signal) {
        p.ram = value;
        if (req.propertyId === 0x05) p.value = value;
      }
      if (req.propertyId === 0x05) this.stats.flashWrites++;
      else this.stats.ramWrites++;
      return ok(Buffer.alloc(0), dev.address);
    }
    return fail(ERR.TYPE_NOT_SUPPORTED);
  }

  private infoValue(dev: SimDevice, id: number): { format: 'float' | 'short'; value: number } | undefined {
    const ident = IDENTITY_INFOS[dev.kind];
    const identity: Record<number, number> = {
      [ident.type]: ident.typeValue,
      [ident.softMsb]: 0x0100,
      [ident.softLsb]: 0x061e,
      [ident.fidMsb]: Math.floor(dev.fid / 0x10000),
      [ident.fidLsb]: dev.fid % 0x10000,
    };
    const known = identity[id];
    if (known !== undefined) return { format: 'float', value: known };
    const info = INFOS[dev.kind][id];
    if (!info) return undefined;
    const pinned = this.pinned.get(`${dev.address}:${id}`);
    if (pinned !== undefined) return { format: info.format, value: pinned };
    const t = (this.now() - this.started) / 1000;
    return { format: info.format, value: info.value(t, dev.phase) };
  }

  private encode(format: SimParameter['format'] | 'short', value: number): Buffer {
    const buf = Buffer.alloc(SIZE[format]);
    if (format === 'float') buf.writeFloatLE(value);
    else if (format === 'short') buf.writeUInt16LE(value);
    else if (format === 'bool') buf.writeUInt8(value);
    else if (format === 'long') buf.writeUInt32LE(value);
    else buf.writeInt32LE(value);
    return buf;
  }

  private decode(format: SimParameter['format'], buf: Buffer): number {
    if (format === 'float') return buf.readFloatLE(0);
    if (format === 'bool') return buf.readUInt8(0);
    if (format === 'long') return buf.readUInt32LE(0);
    return buf.readInt32LE(0);
  }
}
