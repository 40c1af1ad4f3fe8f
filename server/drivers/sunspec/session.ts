/**
 * One SunSpec device (an address, port and unit id): finds its models, names it from model 1
 * (manufacturer and serial number), polls its models in as few requests as the device
 * allows, publishes them and keeps its availability (online / asleep / offline / fault),
 * with a log line per change, never per poll.
 */
import { CommandError, type DeviceHandle, type Hub, type Reading, WritesOffError } from '../../core/hub.ts';
import type { RegisterValue } from '../../core/registers.ts';
import type { Logger } from '../../core/logger.ts';
import { RepeatedWarnings } from '../../core/repeatedWarnings.ts';
import { PollLoop } from '../../core/scheduler.ts';
import type { RegisterDescriptor } from '../../core/registers.ts';
import type { SessionBoundary } from '../../core/sessionBoundary.ts';
import { type DecodedModel, unscaled } from '../../protocols/sunspec/block.ts';
import { type Chain, findBase, type ModelLocation, type ReadPlan, walkChain } from '../../protocols/sunspec/chain.ts';
import { modelDef } from '../../protocols/sunspec/definitions.ts';
import { SunSpecError } from '../../protocols/sunspec/errors.ts';
import { encodePoint, rawRange } from '../../protocols/sunspec/points.ts';
import { CounterGuard } from './counterGuard.ts';
import { DeviceStore, type StoredDevice } from './deviceStore.ts';
import { modelEntities, modelPrefix, type PointEntity, ratingsOf } from './entities.ts';
import { deviceIdFor, type Identity, identityOf } from './identity.ts';
import { ModbusExceptionError, type ModbusLink, UnreachableError } from './modbusLink.ts';
import { ModelReader } from './modelReader.ts';
import { type Assessment, NightWatch } from './nightWatch.ts';
import { type SunSpecDevice, sunspecListedKey } from './options.ts';

export interface SessionDeps {
  hub: Hub;
  log: Logger;
  link: ModbusLink;
  /** Where what was learnt about the device is kept across restarts. */
  dataDir: string;
  boundary?: SessionBoundary;
  /** Overrides poll_interval (tests). */
  intervalMs?: number;
  now?: () => number;
}

/** What discovery learnt: the chain, the entities and the requests a poll takes. */
interface Layout {
  chain: Chain;
  identity: Identity;
  /** Models read every poll (all but model 1, which does not change). */
  polled: ModelLocation[];
  plan: ReadPlan[];
  entities: PointEntity[];
  byKey: Map<string, PointEntity>;
}

/** Inverter models and the point that holds their operating state (701 for DER-only devices). */
const STATE_POINTS: ReadonlyMap<number, string> = new Map([
  [101, 'St'],
  [102, 'St'],
  [103, 'St'],
  [111, 'St'],
  [112, 'St'],
  [113, 'St'],
  [701, 'InvSt'],
]);
/** A command's Modbus failure (no answer, an exception such as a refused value) is the user's answer, not an internal error. */
async function commandFailure<T>(pending: Promise<T>): Promise<T> {
  try {
    return await pending;
  } catch (err) {
    if (err instanceof UnreachableError || err instanceof ModbusExceptionError || err instanceof SunSpecError) {
      throw new CommandError(err.message);
    }
    throw err;
  }
}

export class DeviceSession {
  private handle: DeviceHandle | undefined;
  private layout: Layout | undefined;
  private readonly watch = new NightWatch();
  private readonly counters = new CounterGuard();
  private readonly loop: PollLoop;
  private readonly warnings: RepeatedWarnings;
  private readonly now: () => number;
  private lastAssessment: Assessment | undefined;
  private readonly reader: ModelReader;
  private pollMs: number | undefined;
  private readonly store: DeviceStore;
  private stored: StoredDevice | undefined;
  private loaded = false;
  private saving: Promise<void> = Promise.resolve();
  /** Stopped: a poll still in flight publishes and reports nothing. */
  private stopped = false;

  constructor(
    readonly config: SunSpecDevice,
    private readonly deps: SessionDeps,
  ) {
    this.now = deps.now ?? Date.now;
    this.warnings = new RepeatedWarnings(deps.log);
    this.store = new DeviceStore(deps.dataDir, config.host, config.port, config.unit_id);
    this.reader = new ModelReader(this.read, config.max_registers, deps.log, this.label);
    const task = () => this.poll();
    this.loop = new PollLoop(deps.boundary ? deps.boundary.poll(task) : task, {
      intervalMs: deps.intervalMs ?? config.poll_interval * 1000,
    });
  }

  get deviceId(): string | undefined {
    return this.handle?.id;
  }

  /** Polls from now on; the first poll lists the device (`connecting`) before it asks it anything. */
  start(): void {
    this.loop.start();
  }

  deviceIds(): string[] {
    return this.handle ? [this.handle.id] : [];
  }

  /** Stops polling; resolves once the poll under way has ended and what was learnt is saved. */
  async stop(): Promise<void> {
    this.stopped = true;
    const running = this.loop.stop();
    this.warnings.stop();
    await running;
    await this.saving;
  }

  /** Lists the device under what the last run learnt (its own id, its entities), else under its address. */
  private async load(): Promise<void> {
    this.loaded = true;
    this.stored = await this.store.load();
    if (this.stored) {
      this.watch.lastSeen = this.stored.lastSeen;
      this.watch.inverter = this.stored.inverter;
    }
    this.addDevice(this.stored?.identity, this.stored?.registers ?? []);
    this.handle?.setStatus('connecting');
  }

  /** Keeps what was learnt; a failure to write it costs only the next restart's head start. */
  private save(): void {
    if (!this.stored) return;
    const record = { ...this.stored, lastSeen: this.watch.lastSeen };
    this.saving = this.saving.then(() =>
      this.store.save(record).catch((err: unknown) => {
        this.deps.log.warn(
          { err: err instanceof Error ? err.message : String(err) },
          `${this.label}: could not save what was learnt about it`,
        );
      }),
    );
  }

  /** Requests and registers one poll takes, for the diagnostics and the bench. */
  get pollCost(): { requests: number; registers: number } {
    const plan = this.layout?.plan ?? [];
    return { requests: plan.length, registers: plan.reduce((n, p) => n + p.count, 0) };
  }

  /** One poll; throws for outages and faults so the loop backs off. */
  async poll(): Promise<void> {
    if (!this.loaded) await this.load();
    if (this.stopped) return;
    let assessment: Assessment;
    try {
      const layout = this.layout ?? (await this.discover());
      const started = Date.now();
      const models = await this.readModels(layout);
      this.pollMs = Date.now() - started;
      if (this.stopped) return;
      assessment = this.watch.onAnswer(this.inverterState(models), this.now());
      this.publish(layout, models);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (err instanceof UnreachableError) assessment = this.watch.onUnreachable(message, this.now());
      else if (err instanceof SunSpecError || err instanceof ModbusExceptionError) {
        // The device changed (a firmware update, another device at this unit id): find its models again.
        this.layout = undefined;
        assessment = { availability: 'fault', reason: message };
      } else throw err;
    }
    if (this.stopped) return;
    this.report(assessment);
    if (assessment.availability === 'offline' || assessment.availability === 'fault') throw new Error(assessment.reason);
  }

  private read = (address: number, count: number) => this.deps.link.read(this.config.unit_id, address, count, this.config.timeout * 1000);

  /** Finds the marker and the models, reads them all once, names the device and builds its entities. */
  private async discover(): Promise<Layout> {
    const base = await findBase(this.read, (err) => err instanceof ModbusExceptionError);
    const chain = await walkChain(this.read, base);
    const known = chain.models.filter((m) => modelDef(m.id) !== undefined);
    const blocks = await this.reader.read(known);
    const [commonAt] = chain.models;
    const common = blocks.get(commonAt.address);
    if (!common) throw new SunSpecError('malformed', `model 1 at ${commonAt.address} could not be read`);
    const identity = identityOf(common);
    const entities: PointEntity[] = [];
    const prefixes = new Set<string>();
    const nameplate = known.find((m) => m.id === 120);
    const ratings = ratingsOf(nameplate && blocks.get(nameplate.address));
    for (const model of known) {
      const decoded = blocks.get(model.address);
      if (!decoded || model.id === 1) continue;
      const prefix = modelPrefix(model.id, prefixes);
      prefixes.add(prefix);
      entities.push(...modelEntities(model, decoded, { allowWrites: this.config.allow_writes, prefix, ratings }));
    }
    const polled = known.filter((m) => m.id !== 1);
    const layout: Layout = {
      chain,
      identity,
      polled,
      plan: this.reader.planFor(polled),
      entities,
      byKey: new Map(entities.map((e) => [e.register.key, e])),
    };
    this.watch.inverter = known.some((m) => STATE_POINTS.has(m.id));
    this.layout = layout;
    const registers = entities.map((e) => e.register);
    await this.rename(identity, registers);
    this.stored = { identity, registers, inverter: this.watch.inverter };
    this.save();
    this.handle?.diagnostics({
      baseAddress: base,
      models: chain.models.map((m) => ({ id: m.id, address: m.address, length: m.length, decoded: modelDef(m.id) !== undefined })),
      manufacturer: identity.manufacturer,
      version: identity.version,
    });
    const skipped = chain.models.filter((m) => !modelDef(m.id)).map((m) => m.id);
    if (skipped.length > 0) this.deps.log.info({ models: skipped }, `models without a definition are not read: ${skipped.join(', ')}`);
    return layout;
  }

  private async readModels(layout: Layout): Promise<Map<number, DecodedModel>> {
    const models = await this.reader.read(layout.polled);
    layout.plan = this.reader.planFor(layout.polled);
    return models;
  }

  private inverterState(models: Map<number, DecodedModel>): { state: string | null; powerW: number | null } {
    const all = [...models.values()];
    const inverter = all.find((m) => m.id < 700 && STATE_POINTS.has(m.id)) ?? all.find((m) => STATE_POINTS.has(m.id));
    if (!inverter) return { state: null, powerW: null };
    const st = inverter.points.find((p) => p.path === STATE_POINTS.get(inverter.id));
    const symbol = st?.def.symbols?.find((s) => s.value === st.raw)?.name ?? null;
    const w = inverter.points.find((p) => p.path === 'W')?.value;
    return { state: symbol, powerW: typeof w === 'number' ? w : null };
  }

  private publish(layout: Layout, models: Map<number, DecodedModel>): void {
    if (!this.handle) return;
    const readings: Reading[] = [];
    for (const [address, decoded] of models) {
      const byPath = new Map(decoded.points.map((p) => [p.path, p]));
      for (const e of layout.entities) {
        if (e.model.address !== address) continue;
        const point = byPath.get(e.path);
        const value = point?.value ?? null;
        readings.push({ key: e.register.key, value: typeof value === 'number' && e.divisor !== 1 ? value / e.divisor : value });
      }
    }
    const counterName = (key: string) => {
      const reg = layout.byKey.get(key)?.register;
      return reg?.stateClass === 'total_increasing' ? reg.name : undefined;
    };
    const guarded = this.counters.check(readings, counterName);
    for (const message of guarded.warnings) {
      this.deps.log.warn({ id: this.handle.id }, message);
      this.handle.event({ type: 'warning', event: 'counter_regression', message });
    }
    this.handle.publish(guarded.readings);
    const cost = this.pollCost;
    this.handle.diagnostics({
      lastAnswer: new Date(this.now()).toISOString(),
      pollLatencyMs: this.pollMs,
      requestsPerPoll: cost.requests,
      registersPerPoll: cost.registers,
    });
  }

  private get label(): string {
    return `SunSpec device ${this.config.host}:${this.config.port} unit ${this.config.unit_id}`;
  }

  private report(a: Assessment): void {
    const prev = this.lastAssessment;
    this.lastAssessment = a;
    if (!this.handle) return;
    const reason = a.availability === 'online' ? undefined : a.reason;
    this.handle.setStatus(a.availability, reason);
    if (prev?.availability === a.availability) return;
    const name = this.handle.record?.info.name ?? this.label;
    const line = `SunSpec device "${name}" (${this.handle.id}): ${a.availability}${reason ? ` (${reason})` : ''}`;
    // A flapping device warns at most once a minute.
    if (a.availability === 'offline' || a.availability === 'fault') this.warnings.warn(sunspecListedKey(this.config), line);
    else this.deps.log.info(line);
    this.handle.diagnostics({ availability: a.availability, reason: a.reason });
    this.save();
  }

  /** Lists the device under its id from model 1; the entry under its address (before it answered) goes. */
  private async rename(identity: Identity, registers: RegisterDescriptor[]): Promise<void> {
    const previous = this.handle?.id;
    this.addDevice(identity, registers);
    if (previous !== undefined && previous !== this.handle?.id) await this.deps.hub.removeDevice(previous);
  }

  private addDevice(identity: Identity | undefined, registers: RegisterDescriptor[]): void {
    const { config } = this;
    const name =
      config.name ??
      ([identity?.manufacturer, identity?.model].filter(Boolean).join(' ') || `SunSpec ${config.host} unit ${config.unit_id}`);
    this.handle = this.deps.hub.addDevice(
      {
        id: deviceIdFor(config, identity),
        kind: 'sunspec',
        name,
        manufacturer: identity?.manufacturer ?? undefined,
        model: identity?.model ?? undefined,
        serialNumber: identity?.serial ?? undefined,
        swVersion: identity?.version ?? undefined,
        allowWrites: config.allow_writes,
        writesOption: 'allow_writes',
        statusExtra: { ip: config.host, port: config.port, unitId: config.unit_id },
        listed: sunspecListedKey(config),
      },
      registers,
      { read: (keys) => commandFailure(this.readNow(keys)), write: (key, value) => commandFailure(this.write(key, value)) },
    );
  }

  /** For the command API and the register browser: read the models of these keys now. */
  private async readNow(keys: string[]): Promise<Reading[]> {
    const layout = this.layout;
    if (!layout) return [];
    const wanted = layout.entities.filter((e) => keys.includes(e.register.key));
    const models = [...new Map(wanted.map((e) => [e.model.address, e.model])).values()];
    const decoded = await this.reader.read(models);
    return wanted.map((e) => {
      const value = decoded.get(e.model.address)?.points.find((p) => p.path === e.path)?.value ?? null;
      return { key: e.register.key, value: typeof value === 'number' && e.divisor !== 1 ? value / e.divisor : value };
    });
  }

  /**
   * Writes one point of a control model (range-checked by the hub against the entity's limits,
   * here against what the point's type can carry at its current scale factor), then reads
   * the model back: the value it shows now is the answer.
   */
  private async write(key: string, value: RegisterValue): Promise<RegisterValue> {
    if (!this.config.allow_writes)
      throw new WritesOffError(`Writes are off for device ${this.deviceId}: turn on allow_writes in its options`);
    const entity = this.layout?.byKey.get(key);
    if (!entity?.register.writable) throw new CommandError(`Register "${key}" of ${this.deviceId} is not writable`);
    if (typeof value !== 'number') throw new CommandError(`Value ${JSON.stringify(value)} for "${key}" is not a number`);
    const before = (await this.reader.read([entity.model])).get(entity.model.address);
    const point = before?.points.find((p) => p.path === entity.path);
    if (!point) throw new CommandError(`${this.deviceId} no longer shows ${entity.path} in model ${entity.model.id}`);
    if (point.def.sf !== undefined && point.sf === undefined) {
      throw new CommandError(`${this.deviceId} does not implement ${point.def.sf}, the scale of ${entity.path}: not written`);
    }
    const raw = point.def.sf === undefined ? Math.round(value) : unscaled(value, point.sf ?? 0);
    const range = rawRange(point.def.type, point.def.size);
    if (raw < range.min || raw > range.max)
      throw new CommandError(`Value ${value} for "${key}" does not fit a ${point.def.type} at this scale`);
    const regs: number[] = [];
    encodePoint(point.def.type, raw, regs, 0, point.def.size);
    await this.deps.link.write(this.config.unit_id, entity.model.address + point.offset, regs, this.config.timeout * 1000);
    const after = (await this.reader.read([entity.model])).get(entity.model.address);
    const readBack = after?.points.find((p) => p.path === entity.path);
    if (readBack?.raw !== raw) {
      throw new CommandError(
        `${this.deviceId} reads back ${JSON.stringify(readBack?.value ?? null)} for ${entity.path} instead of ${value} (it may have refused the value)`,
      );
    }
    return readBack.value;
  }
}
