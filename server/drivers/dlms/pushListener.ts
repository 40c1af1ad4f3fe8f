/**
 * TCP listener for pushing meters (wrapper, HDLC or IVY-wrapped, on options.dlms.listen_port).
 * Telegrams go to the meter whose system title they carry; otherwise to the meter this
 * connection already fed, or to a configured TCP meter without a system title yet.
 */
import net from 'node:net';
import type { Logger } from '../../core/logger.ts';
import { RepeatedWarnings } from '../../core/repeatedWarnings.ts';
import { cipheredSystemTitle } from '../../protocols/dlms/telegram.ts';
import { LinkReader } from './linkReader.ts';
import type { PushMeter } from './pushMeter.ts';

export class PushListener {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  private readonly unmatched = new Set<string>();
  /** Internal errors on connections not yet bound to a meter: a hostile peer could repeat them. */
  private readonly faults: RepeatedWarnings;
  connections = 0;

  constructor(
    private readonly meters: PushMeter[],
    private readonly port: number,
    private readonly log: Logger,
  ) {
    this.faults = new RepeatedWarnings(log);
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
    this.sockets.add(socket);
    this.connections++;
    let bound: PushMeter | undefined;
    const reader = new LinkReader((apdu) => {
      if (!apdu) return bound ?? (this.meters.length === 1 ? this.meters[0] : undefined);
      const meter = this.match(apdu, bound);
      if (meter) bound = meter;
      return meter;
    }, true);
    socket.setKeepAlive(true, 30_000);
    socket.on('data', (chunk: Buffer) => {
      try {
        reader.feed(chunk);
      } catch (err) {
        // The meter it feeds goes fault and restarts; the connection's state is not to be trusted.
        if (bound) bound.boundary.fault(err);
        else this.faults.warn(socket.remoteAddress ?? 'unknown', `DLMS push connection: internal error: ${(err as Error).message}; closed`);
        socket.destroy();
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => this.sockets.delete(socket));
  }

  private match(apdu: Buffer, bound: PushMeter | undefined): PushMeter | undefined {
    const title = cipheredSystemTitle(apdu);
    if (!title) return bound ?? this.meters.find((m) => !m.device.systemTitle) ?? (this.meters.length === 1 ? this.meters[0] : undefined);
    const byTitle = this.meters.find((m) => m.device.systemTitle === title);
    if (byTitle) return byTitle;
    const free = this.meters.find((m) => !m.device.systemTitle);
    if (free) return free;
    if (!this.unmatched.has(title)) {
      this.unmatched.add(title);
      this.log.warn({ systemTitle: title }, 'DLMS telegram from a meter that is not configured; add it to dlms_meters with its key');
    }
    return undefined;
  }

  diagnostics(): Record<string, unknown> {
    return { port: this.port, open: this.sockets.size, connections: this.connections, unmatchedSystemTitles: [...this.unmatched] };
  }

  async stop(): Promise<void> {
    this.faults.stop();
    for (const m of this.meters) m.stop();
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
