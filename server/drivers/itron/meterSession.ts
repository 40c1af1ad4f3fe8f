/**
 * One configured meter: find it (options, else mDNS by LFDI), learn its layout, poll it,
 * and say in its status what is wrong when it cannot be read. A meter can be re-scaled
 * under us (a new powerOfTenMultiplier): the layout is learnt again when the meter comes
 * back after a failure, every hour, and at once when a counter would go backwards.
 */
import type { JsonObject } from '../types.ts';
import type { DeviceHandle, Reading } from '../../core/hub.ts';
import type { RegisterDescriptor } from '../../core/registers.ts';
import { PollLoop } from '../../core/scheduler.ts';
import type { SessionBoundary } from '../../core/sessionBoundary.ts';
import { EXPIRY_WARNING_DAYS } from '../../certs/inspect.ts';
import { loadClientCredentials, type ClientCredentials } from '../../certs/store.ts';
import { DEFAULT_METER_PORT, type SmartEnergyServer } from '../../protocols/ieee2030_5/dnssd.ts';
import { pointValue, registersOf, type PollPoint } from './pollPlan.ts';
import { parseSep } from '../../protocols/ieee2030_5/xml.ts';
import type { DriverContext } from '../types.ts';
import { MeterError } from './diagnosis.ts';
import { browseSmartEnergy, findMeterByLfdi } from './discovery.ts';
import { learnLayout, touPoints, type MeterLayout } from './layout.ts';
import { MeterClient } from './meterClient.ts';
import { type ItronMeter, itronListedKey } from './options.ts';

const MDNS_WAIT_MS = 5000;
/** Reading types older than this are read again (multipliers can change under a running meter). */
const LAYOUT_MAX_AGE_MS = 60 * 60_000;
/** A counter that keeps going backwards after a fresh look is real: not looked at again sooner than this. */
const REGRESSION_RELEARN_MS = 5 * 60_000;
/** Losing these means the address may be stale: look the meter up again by LFDI. */
const ADDRESS_FAILURES = new Set(['connection_refused', 'timeout', 'unreachable']);

export const CERT_DAYS_LEFT: RegisterDescriptor = {
  key: 'certificate_days_left',
  name: 'Client certificate days left',
  unit: 'd',
  deviceClass: 'duration',
  stateClass: 'measurement',
  entityCategory: 'diagnostic',
  precision: 0,
};

export class MeterSession {
  private handle: DeviceHandle | undefined;
  private client: MeterClient | undefined;
  private creds: ClientCredentials | undefined;
  private endpoint: { host: string; port: number; via: 'options' | 'mdns' } | undefined;
  private layout: MeterLayout | undefined;
  private layoutAt = 0;
  /** The meter failed since the layout was learnt: it may come back re-configured. */
  private layoutSuspect = false;
  private layoutsLearnt = 0;
  private regressionRelearnAt = Number.NEGATIVE_INFINITY;
  private points: PollPoint[] = [];
  private readonly loop: PollLoop;
  private lastExpiryWarning = 0;
  private emptyBodies = 0;
  private lastError: MeterError | undefined;
  private stopped = false;

  constructor(
    private readonly ctx: DriverContext,
    private readonly config: ItronMeter,
    private readonly index: number,
    /** A defect in a poll cycle faults the meter and restarts its session (server/core/sessionBoundary.ts). */
    boundary?: SessionBoundary,
  ) {
    const cycle = () => this.cycle();
    this.loop = new PollLoop(boundary ? boundary.poll(cycle) : cycle, {
      intervalMs: config.poll_interval * 1000,
      initialDelayMs: index * 500,
      onError: (err) => this.failed(err),
    });
  }

  get deviceId(): string {
    return this.handle?.id ?? this.config.lfdi ?? `itron-${this.index + 1}`;
  }

  /** Lists the meter at once (`connecting`), under its LFDI when configured; then polls it. */
  start(): void {
    this.attach(this.deviceId);
    this.handle?.setStatus('connecting');
    this.loop.start();
  }

  /** The meter, once it is listed in the hub. */
  deviceIds(): string[] {
    return this.ctx.hub.get(this.deviceId) ? [this.deviceId] : [];
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const running = this.loop.stop();
    this.dropClient();
    await running;
  }

  diagnostics(): JsonObject {
    return {
      id: this.deviceId,
      address: this.endpoint ? `${this.endpoint.host}:${this.endpoint.port}` : null,
      addressFrom: this.endpoint?.via ?? null,
      layout: this.layout?.source ?? null,
      layoutsLearnt: this.layoutsLearnt,
      firmwareTable: this.layout?.firmwareTable ?? null,
      walkError: this.layout?.walkError ?? null,
      ...(this.client ? { ...this.client.stats } : {}),
      emptyBodies: this.emptyBodies,
      lastPollMs: this.loop.lastDurationMs,
      lastError: this.lastError ? { code: this.lastError.code, message: this.lastError.message } : null,
    };
  }

  private async cycle(): Promise<void> {
    const creds = await loadClientCredentials(this.ctx.dataDir);
    if (!creds)
      throw new MeterError(
        'no_certificate',
        'No client certificate: generate or import one on the Certificates page, then register its LFDI with the utility',
      );
    if (this.creds && this.creds.lfdi !== creds.lfdi) this.dropClient();
    this.creds = creds;
    this.endpoint ??= await this.locate();
    this.client ??= new MeterClient({
      host: this.endpoint.host,
      port: this.endpoint.port,
      certPem: creds.certPem,
      keyPem: creds.keyPem,
      timeoutMs: this.config.timeout * 1000,
      keepAlive: this.config.keep_alive,
    });
    if (!this.layout) {
      const layout = await this.learn(this.client);
      this.attach(this.config.lfdi ?? layout.info.lfdi ?? this.deviceId);
    } else if (this.layoutSuspect || Date.now() - this.layoutAt > LAYOUT_MAX_AGE_MS) {
      await this.learn(this.client);
    }
    let readings = await this.collect(this.client);
    if (this.regressions(readings).length > 0 && Date.now() - this.regressionRelearnAt > REGRESSION_RELEARN_MS) {
      // A counter going backwards is far more often a re-scaled meter than a real regression.
      this.regressionRelearnAt = Date.now();
      await this.learn(this.client);
      readings = await this.collect(this.client);
    }
    this.publish(readings);
    if (this.stopped) return this.dropClient();
    this.lastError = undefined;
    this.handle?.setStatus('online');
    this.watchExpiry(creds);
    this.handle?.diagnostics(this.diagnostics());
  }

  private async locate(): Promise<{ host: string; port: number; via: 'options' | 'mdns' }> {
    if (this.config.host) return { host: this.config.host, port: this.config.port ?? DEFAULT_METER_PORT, via: 'options' };
    let found: SmartEnergyServer | null;
    if (this.config.lfdi) {
      found = await findMeterByLfdi(this.config.lfdi, MDNS_WAIT_MS);
      if (!found)
        throw new MeterError(
          'unreachable',
          `No meter with LFDI ${this.config.lfdi} answered on mDNS (_smartenergy._tcp); set its host in the options`,
        );
    } else {
      const all = await browseSmartEnergy(MDNS_WAIT_MS);
      if (all.length > 1)
        throw new MeterError(
          'unreachable',
          `${all.length} meters answer on mDNS (${all.map((s) => s.name).join(', ')}): set this meter's lfdi or host`,
        );
      found = all[0] ?? null;
      if (!found) throw new MeterError('unreachable', 'No meter answered on mDNS (_smartenergy._tcp): set its host in the options');
    }
    this.ctx.log.info({ meter: found.name, host: found.host, port: found.port }, 'meter found over mDNS');
    return { host: found.host, port: this.config.port ?? found.port, via: 'mdns' };
  }

  private async learn(client: MeterClient): Promise<MeterLayout> {
    const previous = this.points;
    const layout = await learnLayout(client, this.ctx.log);
    this.layout = layout;
    this.layoutAt = Date.now();
    this.layoutSuspect = false;
    this.layoutsLearnt++;
    // TOU tiers found before are found again at the next poll of their list.
    this.points = layout.points;
    for (const p of this.points) {
      const old = previous.find((x) => x.quantity.register.key === p.quantity.register.key);
      if (!old || old.readingType.powerOfTenMultiplier === p.readingType.powerOfTenMultiplier) continue;
      this.handle?.event({
        type: 'info',
        event: 'scale_changed',
        message: `${p.quantity.register.name}: the meter now sends it ×10^${p.readingType.powerOfTenMultiplier} (was ×10^${old.readingType.powerOfTenMultiplier})`,
        data: { register: p.quantity.register.key, from: old.readingType.powerOfTenMultiplier, to: p.readingType.powerOfTenMultiplier },
      });
    }
    return layout;
  }

  /** Counters in `readings` below their published value. */
  private regressions(readings: Reading[]): Reading[] {
    const state = this.handle?.record?.state ?? {};
    return readings.filter((r) => {
      const point = this.points.find((p) => p.quantity.register.key === r.key);
      const last = state[r.key];
      return (
        point?.quantity.register.stateClass === 'total_increasing' &&
        typeof r.value === 'number' &&
        typeof last === 'number' &&
        r.value < last
      );
    });
  }

  /**
   * Publish, holding a counter at its published value while a coarser scale shows it up to one
   * count lower (5 839 187 Wh read as 583 918 daWh is 5 839 180 Wh): the meter rounds down, it
   * did not run backwards.
   */
  private publish(readings: Reading[]): void {
    const state = this.handle?.record?.state ?? {};
    const held = new Set(
      this.regressions(readings)
        .filter((r) => {
          const point = this.points.find((p) => p.quantity.register.key === r.key);
          const step = point ? Math.abs(10 ** point.readingType.powerOfTenMultiplier * point.quantity.factor) : 0;
          return (state[r.key] as number) - (r.value as number) <= step * (1 + 1e-9);
        })
        .map((r) => r.key),
    );
    this.handle?.publish(readings.map((r) => (held.has(r.key) ? { ...r, value: state[r.key] as number } : r)));
  }

  private async poll(client: MeterClient): Promise<void> {
    this.publish(await this.collect(client));
  }

  private async collect(client: MeterClient): Promise<Reading[]> {
    const paths = [...new Set([...this.points.map((p) => p.path), ...(this.layout?.touLists ?? []).map((t) => t.path)])];
    const readings: Reading[] = [];
    for (const path of paths) {
      let parsed: ReturnType<typeof parseSep>;
      try {
        parsed = parseSep(await client.get(path));
      } catch (err) {
        if (err instanceof MeterError && err.code === 'http_error') {
          this.ctx.log.debug({ meter: client.where, path, err: err.message }, 'reading not served');
          continue;
        }
        throw err;
      }
      if (!parsed.ok) {
        // Real meters answer some resources with an empty 200 now and then.
        this.emptyBodies++;
        continue;
      }
      this.discoverTiers(path, parsed.value);
      for (const p of this.points.filter((x) => x.path === path)) {
        readings.push({ key: p.quantity.register.key, value: pointValue(p, parsed.value) });
      }
    }
    return readings;
  }

  /** A TOU tier that starts carrying a value becomes an entity. */
  private discoverTiers(path: string, resource: Parameters<typeof touPoints>[1]): void {
    for (const list of this.layout?.touLists ?? []) {
      if (list.path !== path) continue;
      const fresh = touPoints(list, resource).filter((p) => !this.points.some((x) => x.quantity.register.key === p.quantity.register.key));
      if (fresh.length === 0) continue;
      this.points = [...this.points, ...fresh];
      this.handle?.addRegisters(registersOf(fresh));
    }
  }

  private attach(id: string): void {
    if (this.handle && this.handle.id !== id) void this.ctx.hub.removeDevice(this.handle.id);
    const info = this.layout?.info;
    this.handle = this.ctx.hub.addDevice(
      {
        id,
        kind: 'itron',
        listed: itronListedKey(this.config),
        name: this.config.name ?? 'Itron meter',
        manufacturer: 'Itron',
        model: info?.mfModel ?? 'Gen5 Riva (IEEE 2030.5)',
        ...(info?.mfSerNum ? { serialNumber: info.mfSerNum } : {}),
        ...(info?.swVer ? { swVersion: info.swVer } : {}),
        statusExtra: { ip: this.endpoint?.host ?? this.config.host ?? null },
      },
      [...registersOf(this.points), CERT_DAYS_LEFT],
      { read: (keys) => this.readNow(keys) },
    );
  }

  /** Command API reads: one fresh poll, then the asked-for values. */
  private async readNow(keys: string[]) {
    if (!this.client) throw new Error('Meter not connected');
    await this.poll(this.client);
    const state = this.handle?.record?.state ?? {};
    return keys.flatMap((key) => {
      const value = state[key];
      return value === undefined ? [] : [{ key, value }];
    });
  }

  private watchExpiry(creds: ClientCredentials): void {
    const daysLeft = Math.floor((Date.parse(creds.notAfter) - Date.now()) / 86_400_000);
    this.handle?.publish([{ key: CERT_DAYS_LEFT.key, value: daysLeft }]);
    if (daysLeft > EXPIRY_WARNING_DAYS || Date.now() - this.lastExpiryWarning < 86_400_000) return;
    this.lastExpiryWarning = Date.now();
    const message =
      daysLeft < 0
        ? `The client certificate expired ${-daysLeft} days ago`
        : `The client certificate expires in ${daysLeft} days (${creds.notAfter}); a new one needs a new LFDI registration`;
    this.handle?.event({
      type: daysLeft < 0 ? 'alarm' : 'warning',
      event: 'certificate_expiring',
      message,
      data: { daysLeft, notAfter: creds.notAfter, lfdi: creds.lfdi },
    });
    this.ctx.log.warn({ daysLeft, lfdi: creds.lfdi }, message);
  }

  private failed(err: unknown): void {
    const e = err instanceof MeterError ? err : new MeterError('http_error', (err as Error).message);
    if (this.lastError?.message !== e.message) this.ctx.log.warn({ meter: this.deviceId, code: e.code, detail: e.detail }, e.message);
    this.lastError = e;
    this.layoutSuspect = true;
    if (!this.handle) this.attach(this.deviceId);
    this.handle?.setStatus(e.code === 'no_certificate' || e.code === 'not_registered' ? 'fault' : 'offline', e.message);
    this.handle?.diagnostics({ ...this.diagnostics(), diagnosis: e.code });
    if (ADDRESS_FAILURES.has(e.code) && this.endpoint?.via === 'mdns') {
      this.endpoint = undefined;
      this.dropClient();
    }
  }

  private dropClient(): void {
    this.client?.close();
    this.client = undefined;
  }
}
