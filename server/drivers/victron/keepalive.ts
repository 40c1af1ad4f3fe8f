/**
 * The keep-alive of one GX link, for both generations (victron-venus-mqtt.md §3.3):
 * a plain keep-alive at connect (works on both), then every `keepaliveMs`
 * - dbus-flashmq: `suppress-republish`, with a full republish (echo token) every
 *   `fullRefreshEvery` cycles for values that never change;
 * - dbus-mqtt: the selective topic list (when the GX has the `keepalive` presence flag), else empty.
 * A lapse is decided from what proves the GX alive, never from empty payloads (an empty payload
 * is one value gone, or dbus-mqtt expiring a topic the list leaves out): on flashmq a missing
 * heartbeat; on dbus-mqtt, which has no heartbeat, the serial (`system/0/Serial`) read after each
 * keep-alive and not answered within `heartbeatTimeoutMs`; before the generation is known,
 * silence. It is answered at once with a full keep-alive, repeated each timeout, and after three
 * fruitless tries the link is reported stuck so the session reconnects.
 * Timer-driven logic only: the session feeds it what arrives and sends what it asks for.
 */
import type { KeepaliveRequest } from '../../protocols/victron/payload.ts';
import { filterMatches } from '../../protocols/victron/topic.ts';

export type Generation = 'unknown' | 'flashmq' | 'dbus-mqtt';

export interface KeepaliveTiming {
  /** Well inside the GX's 60 s timeout. */
  keepaliveMs: number;
  fullRefreshEvery: number;
  /** flashmq sends a heartbeat every ~3 s while alive; dbus-mqtt answers a serial read at once. */
  heartbeatTimeoutMs: number;
  /** No notification at all for this long means the keep-alive lapsed (generation not known yet). */
  silenceTimeoutMs: number;
}

export interface KeepaliveEvents {
  send(req: KeepaliveRequest): void;
  /** dbus-mqtt: read `system/0/Serial`; its answer (`serial()`) proves the keep-alive got through. */
  readSerial(): void;
  lapsed(reason: string): void;
  recovered(afterMs: number): void;
  /** Keep-alives did not bring the GX back: reconnect. */
  stuck(): void;
  /** Generation or counters changed (for diagnostics). */
  changed(): void;
}

const ATTEMPTS_BEFORE_STUCK = 3;

export class KeepaliveScheduler {
  generation: Generation = 'unknown';
  /** dbus-mqtt ≥ Venus 2.80 keeps only the listed topics alive. */
  listSupported = false;
  readonly stats = {
    sent: 0,
    lapses: 0,
    lapsesRecovered: 0,
    lastSent: undefined as number | undefined,
    lastHeartbeat: undefined as number | undefined,
    lastData: undefined as number | undefined,
    lastFullPublish: undefined as number | undefined,
    lastSerial: undefined as number | undefined,
  };
  private connectedAt = 0;
  private heartbeatAt = 0;
  private dataAt = 0;
  private dataSinceConnect = false;
  /** dbus-mqtt: when the oldest serial read not answered since went out. */
  private serialAskedAt: number | undefined;
  private lapsedAt: number | undefined;
  private attemptAt = 0;
  private attempts = 0;
  private cycle = 0;
  private tokenSeq = 0;
  /** The filters of the topic list in force, undefined when the last keep-alive asked for everything. */
  private listInForce: string[] | undefined;
  private ticker: NodeJS.Timeout | undefined;
  private watchdog: NodeJS.Timeout | undefined;

  constructor(
    private readonly timing: KeepaliveTiming,
    private readonly filters: string[],
    private readonly events: KeepaliveEvents,
    private readonly now: () => number = Date.now,
  ) {}

  get lapsed(): boolean {
    return this.lapsedAt !== undefined;
  }

  /** The broker connection is up (again): start over, the GX may have rebooted or changed version. */
  connected(): void {
    this.stopTimers();
    const now = this.now();
    this.generation = 'unknown';
    this.listSupported = false;
    this.connectedAt = this.heartbeatAt = this.dataAt = now;
    this.dataSinceConnect = false;
    this.serialAskedAt = undefined;
    this.lapsedAt = undefined;
    this.cycle = 0;
    this.send({ kind: 'full' });
    this.ticker = setInterval(() => this.tick(), this.timing.keepaliveMs);
    const checkMs = Math.max(20, Math.min(this.timing.heartbeatTimeoutMs, this.timing.silenceTimeoutMs) / 4);
    this.watchdog = setInterval(() => this.check(), checkMs);
  }

  disconnected(): void {
    this.stopTimers();
    this.lapsedAt = undefined;
  }

  heartbeat(): void {
    const now = this.now();
    const gap = now - this.heartbeatAt;
    this.heartbeatAt = now;
    this.stats.lastHeartbeat = now;
    this.detected('flashmq');
    if (this.lapsedAt !== undefined) {
      this.recoveredIfLapsed();
      return;
    }
    // Heartbeats missed but no lapse noticed yet: the GX timed out and a suppress-republish
    // keep-alive revived it, which republishes nothing; the changes in between were never sent.
    if (gap > this.timing.heartbeatTimeoutMs / 2) this.send(this.echoRequest());
  }

  fullPublishCompleted(): void {
    this.stats.lastFullPublish = this.now();
    this.heartbeatAt = this.now();
    this.detected('flashmq');
    this.recoveredIfLapsed();
  }

  /** `N/<id>/keepalive`: the Python dbus-mqtt that understands topic lists. */
  presenceFlag(): void {
    if (this.generation === 'flashmq') return;
    this.listSupported = true;
    this.detected('dbus-mqtt');
  }

  /** A value (not an empty payload) arrived. */
  data(): void {
    this.dataAt = this.now();
    this.stats.lastData = this.dataAt;
    this.dataSinceConnect = true;
    this.recoveredIfLapsed();
  }

  /**
   * Whether the keep-alive in force keeps `path` (`<service>/<instance>/<path>`) alive: an
   * empty payload on a path it does not keep is dbus-mqtt expiring it, not the device leaving.
   */
  keepsAlive(path: string): boolean {
    return this.listInForce === undefined || this.listInForce.some((f) => filterMatches(f, path));
  }

  /** `N/<id>/system/0/Serial` with a value: on dbus-mqtt, the answer to the read after a keep-alive. */
  serial(): void {
    this.stats.lastSerial = this.now();
    this.serialAskedAt = undefined;
    if (this.generation === 'dbus-mqtt') this.recoveredIfLapsed();
  }

  stop(): void {
    this.stopTimers();
  }

  private detected(generation: Exclude<Generation, 'unknown'>): void {
    if (this.generation === generation) return;
    this.generation = generation;
    this.events.changed();
  }

  private tick(): void {
    this.cycle++;
    if (this.generation === 'flashmq') {
      this.send(this.cycle % this.timing.fullRefreshEvery === 0 ? this.echoRequest() : { kind: 'suppress' });
    } else {
      this.send(this.plainRequest());
    }
  }

  /** What wakes the GX up and makes it publish everything we want. */
  private fullRequest(): KeepaliveRequest {
    return this.generation === 'flashmq' ? this.echoRequest() : this.plainRequest();
  }

  private plainRequest(): KeepaliveRequest {
    return this.generation === 'dbus-mqtt' && this.listSupported ? { kind: 'topics', filters: this.filters } : { kind: 'full' };
  }

  private echoRequest(): KeepaliveRequest {
    return { kind: 'echo', token: `wattwire-${++this.tokenSeq}` };
  }

  private check(): void {
    const now = this.now();
    if (this.generation === 'unknown' && this.dataSinceConnect && now - this.connectedAt > this.timing.heartbeatTimeoutMs) {
      // Values but neither a heartbeat nor the presence flag: a dbus-mqtt older than Venus 2.80.
      this.detected('dbus-mqtt');
    }
    const limit = this.generation === 'unknown' ? this.timing.silenceTimeoutMs : this.timing.heartbeatTimeoutMs;
    if (this.lapsedAt === undefined) {
      const why = this.lapseReason(now, limit);
      if (why) this.lapse(why);
      return;
    }
    if (now - this.attemptAt <= limit) return;
    this.attempts++;
    if (this.attempts >= ATTEMPTS_BEFORE_STUCK) {
      this.attempts = 0;
      this.attemptAt = now;
      this.events.stuck();
      return;
    }
    this.attemptAt = now;
    this.send(this.fullRequest());
  }

  /** Why the GX counts as lapsed now, or undefined while it proves itself alive. */
  private lapseReason(now: number, limit: number): string | undefined {
    const seconds = (ms: number) => Math.round(ms / 1000);
    if (this.generation === 'flashmq') {
      const silent = now - this.heartbeatAt;
      return silent > limit ? `no heartbeat for ${seconds(silent)} s` : undefined;
    }
    if (this.generation === 'dbus-mqtt') {
      const unanswered = this.serialAskedAt === undefined ? 0 : now - this.serialAskedAt;
      return unanswered > limit ? `the serial read after a keep-alive unanswered for ${seconds(unanswered)} s` : undefined;
    }
    const silent = now - this.dataAt;
    return silent > limit ? `no data for ${seconds(silent)} s` : undefined;
  }

  private lapse(reason: string): void {
    if (this.lapsedAt !== undefined) return;
    this.lapsedAt = this.attemptAt = this.now();
    this.attempts = 0;
    this.stats.lapses++;
    this.events.lapsed(reason);
    this.send(this.fullRequest());
  }

  private recoveredIfLapsed(): void {
    if (this.lapsedAt === undefined) return;
    const after = this.now() - this.lapsedAt;
    this.lapsedAt = undefined;
    this.stats.lapsesRecovered++;
    this.events.recovered(after);
  }

  private send(req: KeepaliveRequest): void {
    this.listInForce = req.kind === 'topics' ? req.filters : undefined;
    this.stats.sent++;
    this.stats.lastSent = this.now();
    this.events.send(req);
    if (this.generation !== 'dbus-mqtt') return;
    this.serialAskedAt ??= this.now();
    this.events.readSerial();
  }

  private stopTimers(): void {
    clearInterval(this.ticker);
    clearInterval(this.watchdog);
    this.ticker = this.watchdog = undefined;
  }
}
