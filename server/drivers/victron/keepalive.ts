/**
 * The keep-alive of one GX link, for both generations (victron-venus-mqtt.md §3.3):
 * a plain keep-alive at connect (works on both), then every `keepaliveMs`
 * - dbus-flashmq: `suppress-republish`, with a full republish (echo token) every
 *   `fullRefreshEvery` cycles for values that never change;
 * - dbus-mqtt: the selective topic list (when the GX has the `keepalive` presence flag), else empty.
 * A lapse is a missing heartbeat (flashmq), silence (dbus-mqtt / unknown), or dbus-mqtt clearing
 * values our keep-alive keeps (it expires the topics a list leaves out one window after the
 * keep-alive that covered them: that is no lapse, see `keepsAlive`); it is answered at once with
 * a full keep-alive, repeated each timeout, and after three fruitless tries the link is
 * reported stuck so the session reconnects.
 * Timer-driven logic only: the session feeds it what arrives and sends what it asks for.
 */
import type { KeepaliveRequest } from '../../protocols/victron/payload.ts';
import { filterMatches } from '../../protocols/victron/topic.ts';

export type Generation = 'unknown' | 'flashmq' | 'dbus-mqtt';

export interface KeepaliveTiming {
  /** Well inside the GX's 60 s timeout. */
  keepaliveMs: number;
  fullRefreshEvery: number;
  /** flashmq sends a heartbeat every ~3 s while alive. */
  heartbeatTimeoutMs: number;
  /** No notification at all for this long means the keep-alive lapsed (dbus-mqtt). */
  silenceTimeoutMs: number;
}

export interface KeepaliveEvents {
  send(req: KeepaliveRequest): void;
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
  };
  private connectedAt = 0;
  private heartbeatAt = 0;
  private dataAt = 0;
  private dataSinceConnect = false;
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

  /** dbus-mqtt published empty payloads on kept-alive paths of the GX's own services: its keep-alive timed out. */
  cleared(): void {
    this.lapse('the GX cleared its values (keep-alive timed out)');
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
    const flashmq = this.generation === 'flashmq';
    const limit = flashmq ? this.timing.heartbeatTimeoutMs : this.timing.silenceTimeoutMs;
    const silentFor = now - (flashmq ? this.heartbeatAt : this.dataAt);
    if (this.lapsedAt === undefined) {
      if (silentFor > limit)
        this.lapse(flashmq ? `no heartbeat for ${Math.round(silentFor / 1000)} s` : `no data for ${Math.round(silentFor / 1000)} s`);
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
  }

  private stopTimers(): void {
    clearInterval(this.ticker);
    clearInterval(this.watchdog);
    this.ticker = this.watchdog = undefined;
  }
}
