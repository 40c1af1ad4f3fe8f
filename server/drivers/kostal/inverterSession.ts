/**
 * One configured inverter: polls it, publishes its readings and keeps its availability
 * (online / asleep / offline / fault) with a log line per change, never per poll. Its id is
 * the serial number (on classic units from the settings page); a device known by its host
 * until now moves to it once, keeping its entities (see `moveDevice`).
 */
import type { DeviceHandle, Hub, Reading } from '../../core/hub.ts';
import type { Logger } from '../../core/logger.ts';
import { RepeatedWarnings } from '../../core/repeatedWarnings.ts';
import { PollLoop } from '../../core/scheduler.ts';
import type { SessionBoundary } from '../../core/sessionBoundary.ts';
import type { InverterSnapshot } from '../../protocols/kostal/snapshot.ts';
import { EnergyGuard } from './energyGuard.ts';
import { UnreachableError, baseUrl, type HttpTarget } from './http.ts';
import { IdentityStore, type StoredInverter } from './identityStore.ts';
import { InverterClient, type InverterIdentity } from './inverterClient.ts';
import { NightWatch, type Assessment } from './nightWatch.ts';
import { type KostalInverter, kostalListedKey } from './options.ts';
import { BASE_REGISTERS } from './registers.ts';
import { liveReadings, registersFor, unreachableNightReadings } from './snapshotReadings.ts';

export interface SessionDeps {
  hub: Hub;
  log: Logger;
  dataDir: string;
  /** Overrides poll_interval (tests). */
  intervalMs?: number;
  now?: () => number;
  /** A defect in a poll faults the inverter and restarts its session (server/core/sessionBoundary.ts). */
  boundary?: SessionBoundary;
}

export function targetOf(config: KostalInverter): HttpTarget {
  return { host: config.host, username: config.username, password: config.password, timeoutMs: config.timeout * 1000 };
}

/** The device id: the user's `id`, else the serial number, else the host (a classic unit without a readable settings page). */
export function deviceIdFor(config: KostalInverter, identity: InverterIdentity): string {
  if (config.id) return config.id;
  const serial = identity.serial?.replace(/[^A-Za-z0-9_-]+/g, '');
  if (serial) return `kostal_${serial}`;
  return `kostal_${baseUrl(config.host).host.replace(/[^A-Za-z0-9]+/g, '_')}`;
}

export class InverterSession {
  private client: InverterClient | undefined;
  private handle: DeviceHandle | undefined;
  private stored: StoredInverter | undefined;
  private readonly watch = new NightWatch();
  private readonly energy = new EnergyGuard();
  private readonly store: IdentityStore;
  private readonly loop: PollLoop;
  private pollLatencyMs: number | undefined;
  private readonly now: () => number;
  private loaded = false;
  private lastAssessment: Assessment | undefined;
  private readonly warnings: RepeatedWarnings;
  /** The id it is listed under until the inverter first answers; nothing is stored under it. */
  private provisionalId: string | undefined;
  /** The identity was read from the inverter in this run (a stored one may predate the serial number). */
  private identified = false;
  /** Ends the request of a poll under way when the session stops. */
  private readonly stopping = new AbortController();

  constructor(
    readonly config: KostalInverter,
    private readonly deps: SessionDeps,
  ) {
    this.now = deps.now ?? Date.now;
    this.store = new IdentityStore(deps.dataDir, config.host);
    this.warnings = new RepeatedWarnings(deps.log);
    const task = () => this.poll();
    this.loop = new PollLoop(deps.boundary ? deps.boundary.poll(task) : task, {
      intervalMs: deps.intervalMs ?? config.poll_interval * 1000,
    });
  }

  get deviceId(): string | undefined {
    return this.handle?.id;
  }

  /** Polls from now on; the first poll lists the inverter (`connecting`) before it asks it anything. */
  start(): void {
    this.loop.start();
  }

  deviceIds(): string[] {
    return this.handle ? [this.handle.id] : [];
  }

  async stop(): Promise<void> {
    const running = this.loop.stop();
    this.warnings.stop();
    this.stopping.abort();
    await running;
  }

  /** One poll: read, publish, assess. Throws only for outages and faults (the loop backs off). */
  async poll(): Promise<void> {
    if (!this.loaded) await this.loadStored();
    let assessment: Assessment;
    try {
      const snapshot = await this.readSnapshot();
      assessment = this.watch.onReading(snapshot, this.now());
      this.publishSnapshot(snapshot, assessment.availability === 'asleep');
    } catch (err) {
      // A stopped session reports nothing: its request was ended on purpose.
      if (this.stopping.signal.aborted) return;
      const message = err instanceof Error ? err.message : String(err);
      if (err instanceof UnreachableError) {
        assessment = this.watch.onUnreachable(message, this.now());
        if (assessment.availability === 'asleep') this.publishUnreachableNight();
      } else {
        assessment = this.watch.onFault(message);
      }
    }
    await this.report(assessment);
    if (assessment.availability === 'offline' || assessment.availability === 'fault') throw new Error(assessment.reason);
  }

  /** For the command API: read now and return what the inverter showed. */
  async readNow(): Promise<Reading[]> {
    const snapshot = await this.readSnapshot();
    return liveReadings(snapshot, this.config.night_power);
  }

  private async readSnapshot(): Promise<InverterSnapshot> {
    const target = { ...targetOf(this.config), signal: this.stopping.signal };
    const generation = this.config.generation !== 'auto' ? this.config.generation : (this.stored?.identity.generation ?? 'auto');
    this.client ??= await InverterClient.connect(target, generation);
    const started = Date.now();
    const snapshot = await this.client.read();
    this.pollLatencyMs = Date.now() - started;
    if (!this.handle || !this.stored?.identity.model || !this.identified) await this.identify(this.client);
    this.handle?.addRegisters(registersFor(snapshot));
    return snapshot;
  }

  private publishSnapshot(snapshot: InverterSnapshot, asleep: boolean): void {
    if (!this.handle) return;
    const guarded = this.energy.check(snapshot.totalEnergyKwh, snapshot.dailyEnergyKwh, this.now(), asleep);
    if (guarded.warning) {
      this.deps.log.warn({ id: this.handle.id }, guarded.warning);
      this.handle.event({ type: 'warning', event: 'counter_regression', message: guarded.warning });
    }
    this.handle.publish([...liveReadings(snapshot, this.config.night_power), ...guarded.readings]);
    this.handle.diagnostics({
      generation: snapshot.generation,
      lastAnswer: new Date(this.now()).toISOString(),
      pollLatencyMs: this.pollLatencyMs,
      unreadableCells: snapshot.problems ?? [],
    });
  }

  private publishUnreachableNight(): void {
    this.energy.markNight();
    const registers = this.handle?.record?.registers;
    if (registers) this.handle?.publish(unreachableNightReadings(registers, this.config.night_power));
  }

  private async report(a: Assessment): Promise<void> {
    const prev = this.lastAssessment;
    this.lastAssessment = a;
    if (!this.handle) return;
    // Status text changes while feeding are not availability changes.
    const reason = a.availability === 'online' ? undefined : a.reason;
    this.handle.setStatus(a.availability, reason);
    if (prev?.availability !== a.availability) {
      const name = this.handle.record?.info.name ?? this.config.host;
      const line = `Kostal inverter "${name}" (${this.handle.id}): ${a.availability}${reason ? ` (${reason})` : ''}`;
      // A flapping inverter warns at most once a minute.
      if (a.availability === 'offline' || a.availability === 'fault') this.warnings.warn(kostalListedKey(this.config), line);
      else this.deps.log.info(line);
      this.handle.diagnostics({ availability: a.availability, reason: a.reason });
      if (a.availability === 'asleep' || prev?.availability === 'asleep') await this.saveStored();
    }
  }

  private async loadStored(): Promise<void> {
    this.loaded = true;
    this.stored = await this.store.load();
    if (!this.stored) {
      if (this.config.generation === 'classic') {
        await this.addDevice({ generation: 'classic', serial: null, model: null, name: null, swVersion: null });
      } else {
        this.addProvisional();
      }
    } else {
      this.watch.lastSeen = this.stored.lastSeen;
      await this.addDevice(this.stored.identity);
    }
    this.handle?.setStatus('connecting');
  }

  /**
   * An inverter never seen is listed under its option id or its host until it answers, so a
   * wrong host or password shows on the overview; its entry under the serial number replaces it.
   */
  private addProvisional(): void {
    const id = deviceIdFor(this.config, { generation: 'dxs', serial: null, model: null, name: null, swVersion: null });
    this.provisionalId = id;
    this.handle = this.deps.hub.addDevice(
      {
        id,
        kind: 'kostal',
        name: this.config.name ?? `Kostal PIKO ${this.config.host}`,
        manufacturer: 'KOSTAL',
        statusExtra: { ip: baseUrl(this.config.host).hostname },
        listed: kostalListedKey(this.config),
      },
      [...BASE_REGISTERS],
    );
  }

  private async identify(client: InverterClient): Promise<void> {
    const read = await client.identity();
    this.identified = !client.settingsUnanswered;
    // A settings page that fails once does not take the serial number (and the id) away.
    const serial = read.serial ?? this.stored?.identity.serial ?? null;
    await this.addDevice({ ...read, serial });
    if (client.settingsProblem) this.handle?.diagnostics({ serialNumber: client.settingsProblem });
  }

  private async addDevice(identity: InverterIdentity): Promise<void> {
    const id = deviceIdFor(this.config, identity);
    // A provisional entry never had values: it is replaced, not moved (no entities to keep).
    const provisional = this.provisionalId;
    this.provisionalId = undefined;
    const previous = provisional === undefined ? (this.handle?.id ?? this.stored?.deviceId) : this.stored?.deviceId;
    const moved = previous !== undefined && previous !== id;
    const bySerial = identity.serial ? await IdentityStore.bySerial(this.deps.dataDir, identity.serial).load() : undefined;
    const uniqueIdBase =
      (bySerial?.deviceId === id ? (bySerial.uniqueIdBase ?? bySerial.deviceId) : undefined) ??
      (this.stored?.deviceId === id ? this.stored.uniqueIdBase : undefined) ??
      (moved ? (this.stored?.uniqueIdBase ?? previous) : undefined);
    const name = this.config.name ?? identity.name ?? identity.model ?? `Kostal PIKO ${this.config.host}`;
    this.handle = this.deps.hub.addDevice(
      {
        id,
        kind: 'kostal',
        name,
        manufacturer: 'KOSTAL',
        model: identity.model ?? undefined,
        serialNumber: identity.serial ?? undefined,
        swVersion: identity.swVersion ?? undefined,
        statusExtra: { ip: baseUrl(this.config.host).hostname },
        listed: kostalListedKey(this.config),
        ...(uniqueIdBase !== undefined && uniqueIdBase !== id ? { uniqueIdBase } : {}),
        ...(moved ? { replaces: previous } : {}),
      },
      [...BASE_REGISTERS],
      { read: async (keys) => (await this.readNow()).filter((r) => keys.includes(r.key)) },
    );
    this.stored = { deviceId: id, identity, lastSeen: this.watch.lastSeen, uniqueIdBase };
    if (moved) await this.moveDevice(previous, id);
    if (provisional !== undefined && provisional !== id) await this.deps.hub.removeDevice(provisional);
    await this.saveStored();
  }

  /**
   * The device was known by another id (its host, before the serial number was read): the old
   * entry goes, and its entities move with it (same unique ids, Home Assistant's discovery
   * migration), so their history stays.
   */
  private async moveDevice(from: string, to: string): Promise<void> {
    await this.deps.hub.removeDevice(from, to);
    const message = `Device id changed from ${from} to ${to} (serial number read from the inverter); its entities and their history move along`;
    this.deps.log.info({ host: this.config.host }, message);
    this.handle?.event({ type: 'info', event: 'device_id_changed', message, data: { from, to } });
  }

  private async saveStored(): Promise<void> {
    if (!this.stored) return;
    const record = { ...this.stored, lastSeen: this.watch.lastSeen };
    const serial = record.identity.serial;
    try {
      await this.store.save(record);
      if (serial) await IdentityStore.bySerial(this.deps.dataDir, serial).save(record);
    } catch (err) {
      this.deps.log.warn({ err: (err as Error).message }, 'could not save what was learnt about the Kostal inverter');
    }
  }
}
