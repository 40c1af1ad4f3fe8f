/**
 * One meter: its hub device, its poll loop, reads through whichever link it is on now,
 * availability, threshold alarms and its own diagnostics.
 */
import type { JsonObject } from '../types.ts';
import type { DeviceHandle, Hub, Reading } from '../../core/hub.ts';
import type { Logger } from '../../core/logger.ts';
import type { RegisterValue } from '../../core/registers.ts';
import { PollLoop } from '../../core/scheduler.ts';
import { SessionBoundary } from '../../core/sessionBoundary.ts';
import { answersRequest, FUNCTION } from '../../protocols/dlt645/control.ts';
import { isNoDataError } from '../../protocols/dlt645/errors.ts';
import type { Dlt645Frame } from '../../protocols/dlt645/frame.ts';
import { diFromBytes, parseReply, readDataRequest, readFollowUpRequest } from '../../protocols/dlt645/messages.ts';
import { bcdDigits, decodeBcdValue, decodeBlock } from '../../protocols/dlt645/values.ts';
import { LinkClosedError, RequestTimeoutError, type Dlt645Link } from './link.ts';
import { combinedIsImportOnly, describeModeWord, MODE_WORD_DI } from '../../protocols/dlt645/modeWord.ts';
import { DLT645_REGISTERS, IMPORT_FROM_COMBINED, registerByKey, scaleValue, type Dlt645Register } from './registers.ts';
import { ThresholdWatch, type Thresholds } from './thresholds.ts';
import { dlt645ListedKey } from './options.ts';

export interface MeterSessionOptions {
  address: string;
  name?: string;
  /** In `dlt645_meters` (not auto-adopted): the options own it. */
  listed: boolean;
  /** Where it connected from (TCP), known before the first attach. */
  ip?: string;
  pollIntervalMs: number;
  initialDelayMs: number;
  retries: number;
  thresholds: Thresholds;
  /** The link's boundary when it carries several meters (RS-485); else the meter has its own. */
  boundary?: SessionBoundary;
  /** The user removed the device: the driver forgets the meter (it may be adopted again). */
  onRemoved?: () => void;
}

/** Consecutive unanswered requests after which a meter counts as offline. */
const OFFLINE_AFTER_TIMEOUTS = 3;
/** Follow-up frames (0x12) fetched at most for one value. */
const MAX_FOLLOW_UPS = 16;
const IMPORT_KEY = IMPORT_FROM_COMBINED.key;

/** Whether the import energy is read from 00000000 because the meter has no 00010000, and why. */
interface CombinedImport {
  use: boolean;
  reason: string;
}

export class MeterSession {
  readonly address: string;
  readonly handle: DeviceHandle;
  readonly boundary: SessionBoundary;
  link: Dlt645Link | undefined;
  ip: string | undefined;
  registration: string | undefined;
  private online = false;
  private consecutiveTimeouts = 0;
  /** Offline because requests went unanswered: only an answer to a request brings it back. */
  private timedOut = false;
  private readonly poll: PollLoop;
  private readonly thresholds: ThresholdWatch;
  /** Registers (and block DIs) the meter answered "no requested data" for: skipped until it reconnects. */
  private unsupported: Map<string, string> | undefined;
  /** Decided when the meter refuses 00010000; forgotten with `unsupported`. */
  private combinedImport: CombinedImport | undefined;
  private readonly stats = { polls: 0, timeouts: 0, errorReplies: 0, wrongDi: 0, invalidReplies: 0, pollLatencyMs: 0 };
  private lastErrorReply: JsonObject | undefined;
  /** On-demand reads done, and after how many each register was last read that way. */
  private onDemandReads = 0;
  private readOnDemandAt: Map<string, number> | undefined;

  constructor(
    private readonly hub: Hub,
    private readonly log: Logger,
    private readonly opts: MeterSessionOptions,
  ) {
    this.address = opts.address;
    this.ip = opts.ip;
    this.thresholds = new ThresholdWatch(opts.thresholds);
    this.handle = this.register();
    this.boundary =
      opts.boundary ??
      new SessionBoundary({
        hub,
        log,
        describe: () => `DL/T 645 meter ${this.address}`,
        devices: () => [this.address],
        halt: () => this.poll.stop(),
        restart: () => this.restart(),
      });
    this.poll = new PollLoop(
      this.boundary.poll(() => this.pollOnce()),
      {
        intervalMs: opts.pollIntervalMs,
        initialDelayMs: opts.initialDelayMs,
        onError: (err, failures) => this.log.debug({ meter: this.address, failures, err: String(err) }, 'dlt645 poll failed'),
      },
    );
  }

  get isOnline(): boolean {
    return this.online;
  }

  /** The meter is reachable over `link` now (a new DTU connection replaces the old one). */
  attach(link: Dlt645Link, ip?: string, registration?: string): void {
    // A new connection may be a different meter firmware behind a swapped DTU: probe again.
    if (this.link !== link) this.forgetUnsupported();
    const ipChanged = this.ip !== ip;
    this.link = link;
    this.ip = ip;
    this.registration = registration ?? this.registration;
    this.timedOut = false;
    this.consecutiveTimeouts = 0;
    if (ipChanged) this.register();
    // A faulted session starts polling when its boundary restarts it.
    if (this.boundary.isFaulted) return;
    if (this.poll.isRunning) this.poll.trigger();
    else this.poll.start();
  }

  /** The link went away; only the meter's current link counts. */
  detach(link: Dlt645Link, reason: string): void {
    if (this.link !== link) return;
    this.link = undefined;
    this.poll.stop();
    if (!this.boundary.isFaulted) this.markOffline(reason);
  }

  /** A valid frame from this meter arrived (a late or unsolicited one does not undo timeouts). */
  seen(): void {
    if (this.online || this.timedOut || this.boundary.isFaulted) return;
    this.online = true;
    this.handle.setStatus('online');
    this.handle.event({ type: 'info', event: 'meter_connected', message: `Meter ${this.address} connected`, data: { ip: this.ip } });
    this.publishDiagnostics();
  }

  markOffline(reason: string): void {
    const wasOnline = this.online;
    this.online = false;
    this.handle.setStatus('offline', reason);
    if (wasOnline)
      this.handle.event({
        type: 'warning',
        event: 'meter_disconnected',
        message: `Meter ${this.address} disconnected: ${reason}`,
        data: { reason },
      });
  }

  stop(): void {
    this.poll.stop();
    if (!this.opts.boundary) this.boundary.dispose();
  }

  /** Start again from a clean state after an internal error (the boundary calls it after its backoff). */
  restart(): void {
    this.poll.stop();
    this.online = false;
    this.timedOut = false;
    this.consecutiveTimeouts = 0;
    this.forgetUnsupported();
    if (this.link) this.poll.start();
    else this.markOffline('waiting for its DTU to connect');
  }

  /** Read these registers now, through the same queue as polling. */
  async read(keys: string[]): Promise<Reading[]> {
    const regs = keys.map(registerByKey).filter((r): r is Dlt645Register => r !== undefined);
    const readings = await this.readRegisters(regs, false);
    this.onDemandReads++;
    this.readOnDemandAt ??= new Map();
    for (const r of readings) this.readOnDemandAt.set(r.key, this.onDemandReads);
    this.checkThresholds(readings);
    this.publishDiagnostics();
    return readings;
  }

  diagnostics(): JsonObject {
    return {
      address: this.address,
      ip: this.ip,
      registration: this.registration,
      link: this.link?.name,
      framesOk: this.link?.extractor.stats.frames ?? 0,
      framesBad: this.link?.extractor.stats.badFrames ?? 0,
      garbageBytes: this.link?.extractor.stats.garbageBytes ?? 0,
      ...this.stats,
      lastErrorReply: this.lastErrorReply,
      unsupported: Object.fromEntries(this.unsupported ?? []),
      importEnergyFrom: this.combinedImport?.use ? '00000000' : '00010000',
      combinedImport: this.combinedImport?.reason,
    };
  }

  private forgetUnsupported(): void {
    this.unsupported = undefined;
    this.combinedImport = undefined;
  }

  private register(): DeviceHandle {
    return this.hub.addDevice(
      {
        id: this.address,
        kind: 'dlt645',
        listed: this.opts.listed ? dlt645ListedKey(this.address) : undefined,
        name: this.opts.name ?? `Meter ${this.address}`,
        model: 'DL/T 645-2007 meter',
        serialNumber: this.address,
        telemetry: 'register',
        statusExtra: this.ip ? { ip: this.ip } : {},
      },
      DLT645_REGISTERS,
      { read: (keys) => this.read(keys), remove: () => this.opts.onRemoved?.() },
    );
  }

  private async pollOnce(): Promise<void> {
    const started = Date.now();
    const readsBefore = this.onDemandReads;
    const regs = DLT645_REGISTERS.filter((r) => !r.onDemand && !this.unsupported?.has(r.key));
    const readings = await this.readRegisters(regs, true);
    // A register read on demand during this poll may hold a newer value than the poll's: keep that one.
    const fresh = readings.filter((r) => (this.readOnDemandAt?.get(r.key) ?? 0) <= readsBefore);
    this.stats.polls++;
    this.stats.pollLatencyMs = Date.now() - started;
    this.handle.publish(fresh);
    this.checkThresholds(fresh);
    this.publishDiagnostics();
    if (readings.length === 0 && regs.length > 0) throw new Error('no register answered');
  }

  private checkThresholds(readings: Reading[]): void {
    const values = new Map<string, RegisterValue>(readings.map((r) => [r.key, r.value]));
    for (const event of this.thresholds.check(values)) this.handle.event(event);
  }

  private publishDiagnostics(): void {
    this.handle.diagnostics(this.diagnostics());
  }

  /** Registers in table order; phases that share a block DI are read in one request when the meter has it. */
  private async readRegisters(regs: Dlt645Register[], polling: boolean): Promise<Reading[]> {
    const out: Reading[] = [];
    const done = new Set<string>();
    for (const reg of regs) {
      if (done.has(reg.key) || (polling && this.unsupported?.has(reg.key))) continue;
      const blockId = reg.block?.id;
      const members = blockId && !this.unsupported?.has(blockId) ? regs.filter((r) => r.block?.id === blockId) : [];
      if (blockId && members.length > 1) {
        const fromBlock = await this.readBlock(blockId, members);
        if (fromBlock) {
          out.push(...fromBlock);
          for (const r of members) done.add(r.key);
          continue;
        }
        if (this.consecutiveTimeouts >= OFFLINE_AFTER_TIMEOUTS) break;
      }
      const reading = await this.readOne(reg);
      if (reading) out.push(reading);
      if (this.consecutiveTimeouts >= OFFLINE_AFTER_TIMEOUTS) break;
    }
    return out;
  }

  /** One register; undefined when the meter gave no usable answer. */
  private async readOne(wanted: Dlt645Register): Promise<Reading | undefined> {
    const reg = wanted.key === IMPORT_KEY && this.combinedImport?.use ? IMPORT_FROM_COMBINED : wanted;
    const frame = await this.exchange(reg.id);
    if (!frame) return undefined;
    const reply = parseReply(frame);
    if (reply.kind === 'error') {
      this.noteErrorReply(reg.key, reg.id, reply.errorWord, reply.meanings);
      if (reg.key === IMPORT_KEY && !this.combinedImport && isNoDataError(reply.errorWord) && (await this.decideCombinedImport()))
        return this.readOne(wanted);
      const error = `the meter refused ${reg.key} (${reg.id}): ${reply.meanings.join(', ')}`;
      return { key: reg.key, value: null, raw: bcdDigits(Uint8Array.of(reply.errorWord)), error };
    }
    if (reply.kind !== 'data') {
      this.stats.invalidReplies++;
      return undefined;
    }
    const value = reply.followUp ? await this.withFollowUps(reg.id, reply.value) : reply.value;
    return { key: reg.key, value: scaleValue(reg, decodeBcdValue(value, reg.format)), raw: bcdDigits(value) };
  }

  /**
   * The meter has no 00010000: its combined counter 00000000 stands in for the import energy
   * when the mode word says it counts the forward energy alone, or when the mode word cannot
   * be read (a meter without it, such as the IVY gateway's simulator, has nothing else).
   * Undecided (no answer) means 00010000 is asked again next poll.
   */
  private async decideCombinedImport(): Promise<boolean> {
    const frame = await this.exchange(MODE_WORD_DI);
    const reply = frame && parseReply(frame);
    const modeWord = reply?.kind === 'data' ? reply.value[0] : undefined;
    if (modeWord !== undefined) {
      const use = combinedIsImportOnly(modeWord);
      const meaning = use ? '00000000 is the import energy' : '00000000 is not the import energy alone, so none is published';
      this.combinedImport = { use, reason: `00010000 refused; mode word ${describeModeWord(modeWord)}: ${meaning}` };
    } else if (reply?.kind === 'error') {
      const refused = reply.meanings.join(', ');
      this.combinedImport = { use: true, reason: `00010000 refused; mode word refused (${refused}): 00000000 taken as the import energy` };
    } else {
      this.unsupported?.delete(IMPORT_KEY);
      return false;
    }
    if (this.combinedImport.use) this.unsupported?.delete(IMPORT_KEY);
    this.log.info({ meter: this.address }, `dlt645 meter ${this.address}: ${this.combinedImport.reason}`);
    return this.combinedImport.use;
  }

  /** A block DI (e.g. 0201FF00, voltages A, B, C); undefined means "read the members one by one". */
  private async readBlock(blockId: string, members: Dlt645Register[]): Promise<Reading[] | undefined> {
    // The members share the block's format; with none there is nothing to ask.
    const [head] = members;
    if (!head) return [];
    const frame = await this.exchange(blockId);
    if (!frame) return undefined;
    const reply = parseReply(frame);
    if (reply.kind === 'error') {
      this.noteErrorReply(blockId, blockId, reply.errorWord, reply.meanings);
      return undefined;
    }
    if (reply.kind !== 'data') {
      this.stats.invalidReplies++;
      return undefined;
    }
    const value = reply.followUp ? await this.withFollowUps(blockId, reply.value) : reply.value;
    const values = decodeBlock(value, head.format);
    const readings: Reading[] = [];
    for (const m of members) {
      const i = m.block?.index ?? 0;
      const decoded = values[i];
      if (decoded === undefined) {
        this.markUnsupported(blockId, `block answer of ${value.length} bytes is too short`);
        return undefined;
      }
      readings.push({
        key: m.key,
        value: scaleValue(m, decoded),
        raw: bcdDigits(value.subarray(i * m.format.bytes, (i + 1) * m.format.bytes)),
      });
    }
    return readings;
  }

  /** Read one DI with retries; undefined after the retries timed out. */
  private async exchange(di: string): Promise<Dlt645Frame | undefined> {
    for (let attempt = 0; attempt <= this.opts.retries; attempt++) {
      const link = this.link;
      if (!link) throw new LinkClosedError(`meter ${this.address} is not connected`);
      let frame: Dlt645Frame;
      try {
        frame = await link.request(readDataRequest(this.address, di), (f) => this.answersRead(f, FUNCTION.readData, di));
      } catch (err) {
        if (!(err instanceof RequestTimeoutError)) throw err;
        this.stats.timeouts++;
        if (++this.consecutiveTimeouts >= OFFLINE_AFTER_TIMEOUTS) {
          this.timedOut = true;
          this.markOffline(`no answer to ${OFFLINE_AFTER_TIMEOUTS} requests in a row`);
          return undefined;
        }
        continue;
      }
      this.consecutiveTimeouts = 0;
      this.timedOut = false;
      this.seen();
      return frame;
    }
    return undefined;
  }

  private noteErrorReply(name: string, di: string, errorWord: number, meanings: string[]): void {
    this.stats.errorReplies++;
    const meaning = meanings.join(', ');
    this.lastErrorReply = { register: name, di, errorWord, meaning };
    if (isNoDataError(errorWord)) this.markUnsupported(name, meaning);
  }

  /** Most meters answer everything: the map (a few hundred bytes even empty) is made for the first register one refuses. */
  private markUnsupported(key: string, why: string): void {
    this.unsupported ??= new Map();
    this.unsupported.set(key, why);
  }

  private answersRead(frame: Dlt645Frame, func: number, di: string): boolean {
    if (frame.address !== this.address || !answersRequest(func, frame.control)) return false;
    if ((frame.control & 0x40) !== 0 || frame.data.length < 4) return true;
    if (diFromBytes(frame.data) === di) return true;
    // A late answer to an earlier request, or a meter echoing the wrong DI: keep waiting.
    this.stats.wrongDi++;
    return false;
  }

  /** 0xB1: the value continues in follow-up frames, fetched with 0x12 and a rising SEQ. */
  private async withFollowUps(di: string, first: Uint8Array): Promise<Uint8Array> {
    const parts = [first];
    for (let seq = 1; seq <= MAX_FOLLOW_UPS && this.link; seq++) {
      let frame: Dlt645Frame;
      try {
        frame = await this.link.request(readFollowUpRequest(this.address, di, seq), (f) => this.answersRead(f, FUNCTION.readFollowUp, di));
      } catch (err) {
        if (!(err instanceof RequestTimeoutError)) throw err;
        // Keep what arrived; the value decodes from its first bytes.
        this.stats.timeouts++;
        break;
      }
      const reply = parseReply(frame);
      if (reply.kind !== 'data') break;
      // The follow-up reply ends with its SEQ byte.
      parts.push(reply.value.subarray(0, Math.max(0, reply.value.length - 1)));
      if (!reply.followUp) break;
    }
    return Uint8Array.from(parts.flatMap((p) => [...p]));
  }
}
