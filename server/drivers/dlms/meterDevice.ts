/**
 * One configured meter as the hub sees it: identity (option `id`, else the system title,
 * else the logical device name), its growing register table, and its diagnosis turned
 * into status, events and one log line per change.
 */
import type { JsonObject } from '../types.ts';
import type { DeviceController, DeviceHandle, DeviceInfo } from '../../core/hub.ts';
import type { Logger } from '../../core/logger.ts';
import { SessionBoundary } from '../../core/sessionBoundary.ts';
import type { CosemReading } from '../../protocols/dlms/readings.ts';
import type { DriverContext } from '../types.ts';
import { Diagnosis, type DiagnosisChange, type Problem } from './diagnosis.ts';
import { type DlmsMeter, dlmsListedKey } from './options.ts';
import { mapReadings } from './readingMapper.ts';
import type { DlmsRegister } from './registers.ts';

export interface MeterIdentity {
  systemTitle?: string;
  logicalDeviceName?: string;
}

const STATUS: Record<Problem, 'online' | 'offline' | 'fault'> = {
  ok: 'online',
  silent: 'offline',
  unreachable: 'offline',
  decrypt_failed: 'fault',
  key_missing: 'fault',
  corrupt_frames: 'fault',
  unsupported: 'fault',
  rejected: 'fault',
  reads_refused: 'fault',
};

export class MeterDevice {
  diag: Diagnosis;
  readonly log: Logger;
  handle: DeviceHandle | undefined;
  private registers: DlmsRegister[] = [];
  private readonly unknownObis = new Set<string>();
  private identity: MeterIdentity = {};
  /** Listed under its options entry until the meter names itself; then replaced. */
  private provisional = false;

  constructor(
    private readonly ctx: DriverContext,
    readonly cfg: DlmsMeter,
    readonly where: string,
    private readonly controller: DeviceController,
    private readonly describeSilence: () => string,
    /** A meter without a dlms_meters entry (a dial-in IVY meter) names its own options key, or none. */
    private readonly options?: { listed?: string },
  ) {
    this.diag = new Diagnosis(describeSilence);
    this.log = ctx.log.child({ device: cfg.name ?? where });
    const preset = cfg.id ?? cfg.system_title?.toUpperCase();
    if (preset) this.createDevice(preset);
    // A configured meter is listed from the start, so a wrong port or key shows; a dial-in one
    // (options given) is listed once it names itself.
    else if (!options) this.createProvisional();
  }

  /**
   * The fault boundary of the session that feeds this meter (push or poll): a defect faults
   * this meter only; the session is halted and, after the backoff, the meter and the session
   * start afresh.
   */
  sessionBoundary(session: { halt(): void; restart(): void }): SessionBoundary {
    return new SessionBoundary({
      hub: this.ctx.hub,
      log: this.log,
      describe: () => `DLMS meter ${this.cfg.name ?? this.where}`,
      devices: () => (this.id ? [this.id] : []),
      halt: () => session.halt(),
      restart: () => {
        this.restart();
        session.restart();
      },
    });
  }

  get id(): string | undefined {
    return this.handle?.id;
  }

  /** Known by its own id (options, system title or logical device name), not the provisional one. */
  get identified(): boolean {
    return this.handle !== undefined && !this.provisional;
  }

  /** The system title this meter is known by (configured or learned). */
  get systemTitle(): string | undefined {
    return this.cfg.system_title?.toUpperCase() ?? this.identity.systemTitle;
  }

  /** Learn identity from a telegram; creates the hub device the first time one is known. */
  identify(identity: MeterIdentity): void {
    this.identity = { ...this.identity, ...Object.fromEntries(Object.entries(identity).filter(([, v]) => v)) };
    if (this.handle && !this.provisional) return;
    const id = this.identity.systemTitle ?? this.identity.logicalDeviceName?.replace(/[^A-Za-z0-9_-]/g, '_');
    if (id) this.createDevice(id);
  }

  private createProvisional(): void {
    const source = this.cfg.serial_port ?? (this.cfg.host ? `${this.cfg.host}_${this.cfg.port ?? ''}` : this.where);
    this.createDevice(`dlms_${source.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '')}`, true);
  }

  private createDevice(id: string, provisional = false): void {
    const replaced = this.provisional && this.handle?.id !== id ? this.handle?.id : undefined;
    this.provisional = provisional;
    const flag = this.identity.systemTitle ? Buffer.from(this.identity.systemTitle.slice(0, 6), 'hex').toString('latin1') : undefined;
    const info: DeviceInfo = {
      id,
      kind: 'dlms',
      listed: this.options ? this.options.listed : dlmsListedKey(this.cfg),
      name: this.cfg.name ?? `DLMS meter ${id}`,
      manufacturer: flag && /^[A-Z]{3}$/.test(flag) ? flag : undefined,
      model: this.cfg.meter_type === 'generic' ? 'DLMS/COSEM meter' : this.cfg.meter_type,
      telemetry: 'readings',
    };
    this.handle = this.ctx.hub.addDevice(info, this.registers, this.controller);
    if (replaced) void this.ctx.hub.removeDevice(replaced);
    if (!provisional) this.log.info({ id }, 'DLMS meter identified');
    if (this.diag.problem !== 'waiting') this.applyStatus();
    else if (!this.options) this.handle.setStatus('connecting');
  }

  publish(cosem: readonly CosemReading[]): void {
    const text = (obis: string) => cosem.find((r) => r.obis === obis && typeof r.value === 'string')?.value as string | undefined;
    this.identify({ logicalDeviceName: text('0-0:42.0.0.255') });
    const { readings, added } = mapReadings(cosem, new Set(this.registers.map((r) => r.key)));
    if (added.length > 0) {
      this.registers = [...this.registers, ...added];
      for (const r of added) if (r.key.startsWith('OBIS_')) this.unknownObis.add(r.id);
      this.handle?.addRegisters(added);
    }
    this.handle?.publish(readings);
  }

  /** Apply a diagnosis change: status, one event and one log line. */
  report(change: DiagnosisChange | null): void {
    if (!change) return;
    if (change.problem === 'ok') {
      this.log.info('DLMS meter: receiving telegrams');
      this.handle?.event({ type: 'info', event: 'meter_connected', message: 'Telegrams arrive and decode' });
    } else {
      this.log.warn({ problem: change.problem }, `DLMS meter: ${change.reason}`);
      this.handle?.event({
        type: change.problem === 'silent' || change.problem === 'unreachable' ? 'warning' : 'alarm',
        event: `dlms_${change.problem}`,
        message: change.reason,
      });
    }
    this.applyStatus();
  }

  private applyStatus(): void {
    if (this.diag.problem === 'waiting') return;
    this.handle?.setStatus(STATUS[this.diag.problem], this.diag.problem === 'ok' ? undefined : this.diag.reason);
    this.handle?.diagnostics(this.diagnostics());
  }

  diagnostics(): JsonObject {
    return {
      where: this.where,
      device: this.id ?? null,
      mode: this.cfg.mode,
      systemTitle: this.systemTitle ?? null,
      state: this.diag.problem,
      reason: this.diag.reason,
      ...this.diag.counts,
      unknownObis: [...this.unknownObis],
    };
  }

  /** After an internal error: start the diagnosis over, so the next telegram or answer sets the status again. */
  restart(): void {
    this.diag = new Diagnosis(this.describeSilence);
  }

  offline(reason: string): void {
    this.handle?.setStatus('offline', reason);
  }
}
