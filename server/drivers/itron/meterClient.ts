/**
 * HTTPS to one meter with the 2030.5 TLS profile (protocols/ieee2030-5.md §3): TLS 1.2 only,
 * ECDHE-ECDSA-AES128-CCM8, our client certificate, the meter's self-signed certificate not
 * checked, one kept-alive connection. Every failure becomes a MeterError with a diagnosis.
 */
import https from 'node:https';
import { constants } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import { MeterError, diagnose, timedOut, type Phase } from './diagnosis.ts';

export const METER_CIPHERS = 'ECDHE-ECDSA-AES128-CCM8:@SECLEVEL=0';

export interface MeterClientOptions {
  host: string;
  port: number;
  certPem: string;
  keyPem: string;
  timeoutMs?: number;
  /** One kept-alive connection (default); false opens a fresh TLS session per GET, which some meters prefer. */
  keepAlive?: boolean;
}

export interface ClientStats {
  requests: number;
  handshakes: number;
  resumedSessions: number;
  failures: number;
  lastError?: string;
}

/** List pages are under 100 kB; a body beyond this is not a meter's, and reading it stops. */
export const BODY_LIMIT = 1 << 20;

export class MeterClient {
  readonly stats: ClientStats = { requests: 0, handshakes: 0, resumedSessions: 0, failures: 0 };
  private readonly agent: https.Agent;
  private readonly known = new WeakSet<object>();
  private readonly timeoutMs: number;

  constructor(private readonly opts: MeterClientOptions) {
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.agent = new https.Agent({
      cert: opts.certPem,
      key: opts.keyPem,
      minVersion: 'TLSv1.2',
      maxVersion: 'TLSv1.2',
      ciphers: METER_CIPHERS,
      ecdhCurve: 'prime256v1',
      rejectUnauthorized: false,
      // OpenSSL 3 refuses servers without RFC 5746 renegotiation support unless told otherwise.
      secureOptions: constants.SSL_OP_LEGACY_SERVER_CONNECT,
      keepAlive: opts.keepAlive ?? true,
      maxSockets: 1,
      maxFreeSockets: 1,
    });
  }

  get where(): string {
    return `${this.opts.host}:${this.opts.port}`;
  }

  /** GET a resource's body. A kept-alive socket the meter closed meanwhile is retried once. */
  async get(path: string): Promise<string> {
    this.stats.requests++;
    try {
      return await this.once(path).catch((err: unknown) => {
        if (err instanceof StaleSocket) return this.once(path);
        throw err;
      });
    } catch (err) {
      const e = err instanceof StaleSocket ? err.cause : err;
      this.stats.failures++;
      this.stats.lastError = (e as Error).message;
      throw e;
    }
  }

  close(): void {
    this.agent.destroy();
  }

  private once(path: string): Promise<string> {
    return new Promise((resolve, reject) => {
      let phase: Phase = 'connect';
      let reused = false;
      let answered = false;
      const req = https.request({
        host: this.opts.host,
        port: this.opts.port,
        path,
        method: 'GET',
        agent: this.agent,
        headers: { Accept: 'application/sep+xml' },
      });
      const timer = setTimeout(() => req.destroy(timedOut(phase, this.where, this.timeoutMs)), this.timeoutMs);
      const fail = (err: unknown) => {
        clearTimeout(timer);
        const isReset = (err as NodeJS.ErrnoException).code === 'ECONNRESET' || /hang up/.test((err as Error).message);
        // A meter that dislikes our LFDI may finish the handshake and close at once.
        const at: Phase = isReset && !reused && !answered && phase === 'response' ? 'handshake' : phase;
        reject(
          reused && isReset && !(err instanceof MeterError)
            ? new StaleSocket(diagnose(err, at, this.where))
            : diagnose(err, at, this.where),
        );
      };
      req.on('socket', (socket: TLSSocket) => {
        if (this.known.has(socket)) {
          reused = true;
          phase = 'response';
          return;
        }
        this.known.add(socket);
        socket.once('connect', () => (phase = 'handshake'));
        socket.once('secureConnect', () => {
          phase = 'response';
          if (socket.isSessionReused()) this.stats.resumedSessions++;
          else this.stats.handshakes++;
        });
      });
      req.on('error', fail);
      req.on('response', (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        let size = 0;
        const tooLarge = () =>
          new MeterError(
            'bad_response',
            `the answer from ${this.where}${path} is larger than ${BODY_LIMIT / (1 << 20)} MB: not a 2030.5 meter?`,
          );
        // A declared length over the cap fails before any body byte is read.
        if (Number(res.headers['content-length']) > BODY_LIMIT) {
          req.destroy(tooLarge());
          return;
        }
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > BODY_LIMIT) req.destroy(tooLarge());
          else chunks.push(c);
        });
        res.on('error', fail);
        res.on('end', () => {
          clearTimeout(timer);
          const status = res.statusCode ?? 0;
          if (status === 401 || status === 403) {
            reject(
              new MeterError(
                'not_registered',
                `The meter at ${this.where} answered HTTP ${status} for ${path}: our LFDI is not registered (or not active yet)`,
              ),
            );
          } else if (status !== 200) {
            reject(new MeterError('http_error', `The meter at ${this.where} answered HTTP ${status} for ${path}`));
          } else {
            resolve(Buffer.concat(chunks).toString('utf8'));
          }
        });
      });
      req.end();
    });
  }
}

class StaleSocket extends Error {
  constructor(override readonly cause: MeterError) {
    super(cause.message);
  }
}
