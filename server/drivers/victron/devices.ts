/**
 * The Home Assistant devices of one GX. The GX's own services (`system`, `settings`, `hub4`)
 * form the GX device `victron_<portal id>`; every other service instance (vebus/276,
 * battery/512, …) becomes a device of its own, so that when it leaves the D-Bus (an MPPT at
 * dusk: empty payloads) its status goes offline and Home Assistant shows exactly its entities
 * as unavailable. (Publishing null would show "unknown", which reads as a bad value.) An empty
 * payload on one path is that value gone, published as null: on the GX's own services always
 * (the GX device stays; whether the GX is alive is the keep-alive's to decide), on another
 * service unless it is one of the paths every service has (`Connected`, `ProductName` …),
 * which go empty only when the service leaves.
 * Registers are added as their paths are first seen, in batches, so a full republish
 * announces each device once.
 */
import type { DeviceController, DeviceHandle, DeviceInfo, Hub, Reading } from '../../core/hub.ts';
import type { RegisterValue } from '../../core/registers.ts';
import type { GxValue } from '../../protocols/victron/payload.ts';
import { filterMatches, servicePath, type ValueTopic } from '../../protocols/victron/topic.ts';
import { GX_SERVICES, concretePath, extraRegister, templateFor, type VictronRegister } from './registers.ts';

const IDENTITY = new Set(['ProductName', 'CustomName', 'FirmwareVersion', 'Serial']);
/** Paths every D-Bus service has: empty only when the service leaves the bus. */
const SERVICE_PRESENCE = new Set(['Connected', 'DeviceInstance', 'ProductId', 'ProductName', 'Mgmt/ProcessName', 'Mgmt/Connection']);
const FLUSH_MS = 100;

export interface GxDevicesConfig {
  portalId: string;
  gxId: string;
  gxName: string;
  /** The GX's options entry: every device behind it belongs to it. */
  listed: string;
  allowWrites: boolean;
  extraFilters: string[];
  table: readonly VictronRegister[];
  controllerFor(deviceId: string): DeviceController;
  /** Wraps the flush timer's callback in the GX session's boundary. */
  guard?<A extends unknown[]>(handler: (...args: A) => void): (...args: A) => void;
}

interface ServiceDevice {
  id: string;
  service: string;
  instance: string;
  identity: Record<string, string>;
  handle?: DeviceHandle;
  registers: Map<string, VictronRegister>;
  pendingRegisters: VictronRegister[];
  pendingReadings: Reading[];
  /** GX-published limits by register key. */
  limits: Map<string, { min?: number; max?: number }>;
  gone: boolean;
}

export type IngestResult = 'published' | 'ignored';

export class GxDevices {
  private readonly devices = new Map<string, ServiceDevice>();
  private readonly templates = new Map<string, VictronRegister | undefined>();
  private flushTimer: NodeJS.Timeout | undefined;
  private linkUp = false;

  constructor(
    private readonly hub: Hub,
    private readonly cfg: GxDevicesConfig,
  ) {}

  gxHandle(): DeviceHandle | undefined {
    return this.devices.get('gx')?.handle;
  }

  /** Make sure the GX device exists (diagnostics and status have a home before any value). */
  ensureGx(): DeviceHandle {
    const dev = this.device('system', '0');
    if (!dev.handle) this.materialise(dev);
    return dev.handle as DeviceHandle;
  }

  /** One value notification. */
  ingest(topic: ValueTopic, decoded: { kind: 'gone' } | { kind: 'value'; value: GxValue; min?: number; max?: number }): IngestResult {
    const { service, instance, path } = topic;
    const dev = this.device(service, instance);
    if (decoded.kind === 'gone') {
      if (GX_SERVICES.has(service) || !SERVICE_PRESENCE.has(path)) {
        const reg = this.template(servicePath(topic));
        if (!reg || !dev.registers.has(reg.key)) return 'ignored';
        if (dev.pendingRegisters.includes(reg)) dev.pendingReadings.push({ key: reg.key, value: null });
        else dev.handle?.publish([{ key: reg.key, value: null }]);
        return 'published';
      }
      if (!dev.gone && dev.handle) dev.handle.setStatus('offline', 'left the GX D-Bus');
      dev.gone = true;
      return 'published';
    }
    if (IDENTITY.has(path) && typeof decoded.value === 'string') this.identity(dev, path, decoded.value);
    const reg = this.registerFor(dev, topic, decoded.value);
    if (!reg) return 'ignored';
    if (decoded.min !== undefined || decoded.max !== undefined) dev.limits.set(reg.key, { min: decoded.min, max: decoded.max });
    const reading: Reading = { key: reg.key, value: toRegisterValue(reg, decoded.value), raw: JSON.stringify(decoded.value) };
    if (dev.gone) {
      dev.gone = false;
      if (dev.handle && this.linkUp) dev.handle.setStatus('online');
    }
    if (dev.handle && dev.registers.has(reg.key) && !dev.pendingRegisters.includes(reg)) dev.handle.publish([reading]);
    else {
      dev.pendingReadings.push(reading);
      this.scheduleFlush();
    }
    return 'published';
  }

  /** Announce new registers and devices now (also at the end of a full republish). */
  flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    for (const dev of this.devices.values()) {
      if (dev.pendingRegisters.length === 0 && dev.pendingReadings.length === 0) continue;
      const fresh = dev.pendingRegisters;
      dev.pendingRegisters = [];
      if (!dev.handle) this.materialise(dev);
      else if (fresh.length > 0) dev.handle.addRegisters(fresh.map((r) => this.descriptor(r)));
      const readings = dev.pendingReadings;
      dev.pendingReadings = [];
      dev.handle?.publish(readings);
    }
  }

  /** Link state for every device: a lapse or a lost connection makes all of them unavailable. */
  setLink(up: boolean, reason?: string): void {
    this.linkUp = up;
    for (const dev of this.devices.values()) {
      if (!dev.handle) continue;
      if (up) dev.handle.setStatus(dev.gone ? 'offline' : 'online', dev.gone ? 'left the GX D-Bus' : undefined);
      else dev.handle.setStatus('offline', reason);
    }
  }

  /** Concrete path of a register of a device, and the limits the GX published for it. */
  target(deviceId: string, key: string): { path: string; register: VictronRegister; limits?: { min?: number; max?: number } } | undefined {
    const dev = [...this.devices.values()].find((d) => d.id === deviceId);
    const register = dev?.registers.get(key);
    if (!dev || !register) return undefined;
    return { path: concretePath(register.id, dev.instance), register, limits: dev.limits.get(key) };
  }

  /** The hub ids of the GX and every device found on it. */
  deviceIds(): string[] {
    return [...this.devices.values()].flatMap((d) => (d.handle ? [d.id] : []));
  }

  stop(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
  }

  private device(service: string, instance: string): ServiceDevice {
    const slot = GX_SERVICES.has(service) ? 'gx' : `${service}_${instance}`;
    let dev = this.devices.get(slot);
    if (!dev) {
      const gx = slot === 'gx';
      dev = {
        id: gx ? this.cfg.gxId : `${this.cfg.gxId}_${slot}`,
        service: gx ? 'system' : service,
        instance: gx ? '0' : instance,
        identity: {},
        registers: new Map(),
        pendingRegisters: [],
        pendingReadings: [],
        limits: new Map(),
        gone: false,
      };
      this.devices.set(slot, dev);
    }
    return dev;
  }

  private registerFor(dev: ServiceDevice, topic: ValueTopic, sample: GxValue): VictronRegister | undefined {
    const full = servicePath(topic);
    const template = this.template(full);
    if (template && dev.registers.has(template.key)) return dev.registers.get(template.key);
    const extra = this.cfg.extraFilters.some((f) => filterMatches(f, full));
    const reg = template ?? (extra ? extraRegister(topic.service, topic.instance, topic.path, sample) : undefined);
    if (!reg) return undefined;
    const known = dev.registers.get(reg.key);
    if (known) return known;
    dev.registers.set(reg.key, reg);
    dev.pendingRegisters.push(reg);
    return reg;
  }

  /** Table lookup per concrete path, cached: a scan of the table for every message is the slow part. */
  private template(full: string): VictronRegister | undefined {
    if (!this.templates.has(full)) this.templates.set(full, templateFor(this.cfg.table, full));
    return this.templates.get(full);
  }

  private identity(dev: ServiceDevice, path: string, value: string): void {
    if (dev.identity[path] === value) return;
    dev.identity[path] = value;
    if (dev.handle) this.materialise(dev);
  }

  private info(dev: ServiceDevice): DeviceInfo {
    const common = {
      kind: 'victron',
      listed: this.cfg.listed,
      manufacturer: 'Victron Energy',
      allowWrites: this.cfg.allowWrites,
      writesOption: 'allow_writes',
    };
    if (dev.id === this.cfg.gxId) {
      return {
        ...common,
        id: dev.id,
        name: this.cfg.gxName,
        model: 'GX device',
        serialNumber: this.cfg.portalId,
        statusExtra: { portalId: this.cfg.portalId },
      };
    }
    const product = dev.identity.ProductName;
    const label = dev.identity.CustomName || product || `${dev.service} ${dev.instance}`;
    return {
      ...common,
      id: dev.id,
      name: `${this.cfg.gxName} ${label}`,
      model: product,
      serialNumber: dev.identity.Serial,
      swVersion: dev.identity.FirmwareVersion,
      statusExtra: { portalId: this.cfg.portalId, service: `${dev.service}/${dev.instance}` },
    };
  }

  /** Register as the hub sees it: writable only when the user allowed writes. */
  private descriptor(reg: VictronRegister): VictronRegister {
    return reg.writable && !this.cfg.allowWrites ? { ...reg, writable: false, writesOff: true, entityCategory: undefined } : reg;
  }

  private materialise(dev: ServiceDevice): void {
    const registers = [...dev.registers.values()].map((r) => this.descriptor(r));
    dev.pendingRegisters = [];
    dev.handle = this.hub.addDevice(this.info(dev), registers, this.cfg.controllerFor(dev.id));
    if (this.linkUp) dev.handle.setStatus(dev.gone ? 'offline' : 'online', dev.gone ? 'left the GX D-Bus' : undefined);
  }

  private scheduleFlush(): void {
    const flush = () => this.flush();
    this.flushTimer ??= setTimeout(this.cfg.guard ? this.cfg.guard(flush) : flush, FLUSH_MS);
  }
}

/** A GX value as the register expects it; anything else is published as null. */
function toRegisterValue(reg: VictronRegister, value: GxValue): RegisterValue {
  if (value === null) return null;
  if (reg.type === 'text') return typeof value === 'string' ? value : JSON.stringify(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return null;
}
