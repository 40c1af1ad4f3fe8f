/**
 * TCP listener for pushing meters (wrapper, HDLC or IVY-wrapped, on options.dlms.listen_port).
 * Telegrams go to the meter whose system title they carry; a ciphered one from a title no
 * meter has goes to a keyed meter without a system title only if it decrypts with that key,
 * else to the bounded list of unknown meters (never to an unrelated configured meter).
 * Plain telegrams go to the meter this connection already fed, or to a configured TCP meter
 * without a system title yet.
 *
 * Every connection has a budget: one that sends no valid frame within `idleMs` or
 * `garbageBytes` is closed, and connections are capped per source address and in total.
 */
import type { JsonObject } from '../types.ts';
import net from 'node:net';
import type { Logger } from '../../core/logger.ts';
import { RepeatedWarnings } from '../../core/repeatedWarnings.ts';
import { cipheredSystemTitle } from '../../protocols/dlms/telegram.ts';
import { LinkReader } from './linkReader.ts';
import type { PushMeter } from './pushMeter.ts';
import { type PendingDlmsMeter, type UnknownMeterLimits, UnknownMeters } from './unknownMeters.ts';

export interface ConnectionLimits {
  /** Time without a valid frame before a connection is closed: ten pushes of a meter sending every minute. */
  idleMs: number;
  /** Bytes without a valid frame before a connection is closed: four of the largest frames. */
  garbageBytes: number;
  perSource: number;
  total: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = { idleMs: 600_000, garbageBytes: 262_144, perSource: 16, total: 128 };

export class PushListener {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  private readonly perSource = new Map<string, number>();
  private readonly warnings: RepeatedWarnings;
  private readonly unknown: UnknownMeters;
  private readonly limits: ConnectionLimits;
  connections = 0;
  refused = 0;
  closedForGarbage = 0;

  constructor(
    private readonly meters: PushMeter[],
    private readonly port: number,
    private readonly log: Logger,
    unknownLimits: UnknownMeterLimits,
    limits: Partial<ConnectionLimits> = {},
  ) {
    this.limits = { ...DEFAULT_CONNECTION_LIMITS, ...limits };
    this.warnings = new RepeatedWarnings(log);
    this.unknown = new UnknownMeters(log, unknownLimits);
  }

  async start(): Promise<void> {
    for (const m of this.meters) m.start();
    const server = net.createServer((socket) => this.accept(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (err) => this.log.error({ err: err.message }, 'DLMS push listener error'));
    this.log.info({ port: this.port }, 'DLMS push listener started');
  }

  private accept(socket: net.Socket): void {
    const ip = sourceAddress(socket);
    const fromSource = this.perSource.get(ip) ?? 0;
    if (fromSource >= this.limits.perSource || this.sockets.size >= this.limits.total) {
      this.refused++;
      const limit = fromSource >= this.limits.perSource ? `${this.limits.perSource} from one address` : `${this.limits.total} in total`;
      this.warnings.warn(ip, `DLMS push connection from ${ip} refused: at most ${limit} at once`);
      socket.on('error', () => undefined);
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    this.perSource.set(ip, fromSource + 1);
    this.connections++;
    let bound: PushMeter | undefined;
    let sinceValid = 0;
    const idle = setTimeout(
      () => this.closeForGarbage(socket, ip, `no valid frame for ${Math.round(this.limits.idleMs / 1000)} s`),
      this.limits.idleMs,
    );
    idle.unref();
    const valid = () => {
      sinceValid = 0;
      idle.refresh();
    };
    const reader = new LinkReader(
      (apdu) => {
        if (!apdu) return bound;
        const meter = this.match(apdu, bound, ip, valid);
        if (meter) bound = meter;
        return meter;
      },
      true,
      valid,
      this.log.child({ remote: ip }),
    );
    socket.setKeepAlive(true, 30_000);
    socket.on('data', (chunk: Buffer) => {
      sinceValid += chunk.length;
      try {
        reader.feed(chunk);
      } catch (err) {
        // The meter it feeds goes fault and restarts; the connection's state is not to be trusted.
        if (bound) bound.boundary.fault(err);
        else this.warnings.warn(ip, `DLMS push connection from ${ip}: internal error: ${(err as Error).message}; closed`);
        socket.destroy();
        return;
      }
      if (sinceValid > this.limits.garbageBytes) this.closeForGarbage(socket, ip, `${sinceValid} bytes without a valid frame`);
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(idle);
      this.sockets.delete(socket);
      const left = (this.perSource.get(ip) ?? 1) - 1;
      if (left > 0) this.perSource.set(ip, left);
      else this.perSource.delete(ip);
    });
  }

  private closeForGarbage(socket: net.Socket, ip: string, why: string): void {
    if (socket.destroyed) return;
    this.closedForGarbage++;
    this.warnings.warn(ip, `DLMS push connection from ${ip} closed: ${why}`);
    socket.destroy();
  }

  private match(apdu: Buffer, bound: PushMeter | undefined, ip: string, valid: () => void): PushMeter | undefined {
    const title = cipheredSystemTitle(apdu);
    if (!title) return bound ?? this.meters.find((m) => !m.device.systemTitle) ?? (this.meters.length === 1 ? this.meters[0] : undefined);
    const byTitle = this.meters.find((m) => m.device.systemTitle === title);
    if (byTitle) {
      // A configured meter's telegram keeps its connection even when it does not decrypt (wrong key): its status says why.
      valid();
      return byTitle;
    }
    // A title already listed as unknown is not worth another decryption attempt per meter.
    const claimed = this.unknown.has(title) ? undefined : this.meters.find((m) => m.claims(apdu));
    if (claimed) return claimed;
    this.unknown.seen(title, ip);
    valid();
    return undefined;
  }

  pendingMeters(): PendingDlmsMeter[] {
    return this.unknown.list();
  }

  diagnostics(): JsonObject {
    return {
      port: this.port,
      open: this.sockets.size,
      connections: this.connections,
      refused: this.refused,
      closedForGarbage: this.closedForGarbage,
      unmatchedSystemTitles: this.unknown.list().map((e) => e.systemTitle),
    };
  }

  async stop(): Promise<void> {
    for (const m of this.meters) m.stop();
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    this.perSource.clear();
    this.warnings.stop();
    this.unknown.stop();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** The peer's IPv4 address without the IPv6-mapped prefix a dual-stack listener reports. */
function sourceAddress(socket: net.Socket): string {
  const a = socket.remoteAddress ?? 'unknown';
  return a.startsWith('::ffff:') ? a.slice(7) : a;
}
