/**
 * A simulated Xcel Itron meter's 2030.5 server (protocols/ieee2030-5.md): HTTPS with TLS 1.2
 * and ECDHE-ECDSA-AES128-CCM8 only, a client certificate required, client LFDIs checked
 * against the registered list (refused with HTTP 401 like the real agent, or by closing the
 * connection like a meter still provisioning), and an agent that can hang: TCP is accepted
 * but nothing is answered.
 */
import { X509Certificate } from 'node:crypto';
import net from 'node:net';
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { generateDeviceIdentity } from '../../certs/generate.ts';
import { lfdiFromDer } from '../../protocols/ieee2030_5/identity.ts';
import { MeterDocuments } from './documents.ts';
import { advance, initialState, type MeterState } from './meterModel.ts';

export type Refusal = 'http401' | 'close';

export interface ItronSimOptions {
  port?: number;
  host?: string;
  /** Client LFDIs the "utility" registered; `any` accepts every certificate (demo mode). */
  registered?: string[] | 'any';
  refusal?: Refusal;
  /** Start hung. */
  hang?: boolean;
  /** Serve values in TOU tiers 1–2 (the crawled customer had none). */
  touTiers?: boolean;
  now?: () => number;
  /** The meter's own certificate and key (PEM); a fresh one when absent. Keeps the LFDI across restarts. */
  identity?: { certPem: string; keyPem: string };
}

export interface ItronSim {
  port: number;
  host: string;
  /** The meter's own LFDI (hash of its server certificate), as in /sdev/sdi. */
  lfdi: string;
  certPem: string;
  register(lfdi: string): void;
  /** Replace the registered list, e.g. `[]` when the utility drops every client. */
  setRegistered(registered: string[] | 'any'): void;
  setHang(hang: boolean): void;
  /** Re-scale MeterReading `mr` (ReadingType /rt/<mr>): served values and multiplier change together. */
  setPowerOfTen(mr: number, power: number): void;
  /** The live quantities behind the served values. */
  readonly state: Readonly<MeterState>;
  /** Requests answered and TLS sessions accepted, for tests and benchmarks. */
  stats: { requests: number; sessions: number; refused: number };
  stop(): Promise<void>;
}

const CIPHERS = 'ECDHE-ECDSA-AES128-CCM8:@SECLEVEL=0';

export async function startItronSim(opts: ItronSimOptions = {}): Promise<ItronSim> {
  const identity =
    opts.identity ??
    (await generateDeviceIdentity({
      subject: 'CN=Itron Gen5 Riva (simulated)',
      notBefore: new Date(Date.now() - 86_400_000),
      validityDays: 3651,
    }));
  const lfdi = lfdiFromDer(new X509Certificate(identity.certPem).raw);
  const registeredSet = (list: string[] | 'any' | undefined): Set<string> | 'any' =>
    list === 'any' ? 'any' : new Set((list ?? []).map((l) => l.replace(/-/g, '').toUpperCase()));
  let registered = registeredSet(opts.registered);
  const now = opts.now ?? Date.now;
  const state: MeterState = initialState(now(), { touTiers: opts.touTiers });
  const docs = new MeterDocuments(lfdi);
  const stats = { requests: 0, sessions: 0, refused: 0 };
  let hang = opts.hang ?? false;
  const held = new Set<net.Socket>();

  const tlsServer = https.createServer(
    {
      cert: identity.certPem,
      key: identity.keyPem,
      minVersion: 'TLSv1.2',
      maxVersion: 'TLSv1.2',
      ciphers: CIPHERS,
      ecdhCurve: 'prime256v1',
      requestCert: true,
      // The meter builds no chain: it matches the certificate's LFDI (checked per request).
      rejectUnauthorized: false,
      keepAliveTimeout: 30_000,
    },
    (req, res) => handle(req, res),
  );
  tlsServer.on('secureConnection', (socket: TLSSocket) => {
    stats.sessions++;
    const peer = socket.getPeerCertificate();
    const clientLfdi = peer?.raw ? lfdiFromDer(peer.raw) : null;
    (socket as TLSSocket & { clientLfdi?: string | null }).clientLfdi = clientLfdi;
    if (!isRegistered(clientLfdi) && (opts.refusal ?? 'http401') === 'close') {
      stats.refused++;
      socket.destroy();
    }
  });
  tlsServer.on('tlsClientError', () => undefined);

  function isRegistered(clientLfdi: string | null): boolean {
    return clientLfdi !== null && (registered === 'any' || registered.has(clientLfdi));
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    if (hang) {
      held.add(req.socket);
      return;
    }
    const clientLfdi = (req.socket as TLSSocket & { clientLfdi?: string | null }).clientLfdi ?? null;
    if (!isRegistered(clientLfdi)) {
      stats.refused++;
      res.writeHead(401, { 'Content-Type': 'text/plain' }).end('Unauthorized');
      return;
    }
    if (req.method !== 'GET') {
      res.writeHead(405).end();
      return;
    }
    stats.requests++;
    advance(state, now());
    const served = docs.serve(req.url ?? '/', state);
    if (served.status === 404) res.writeHead(404).end();
    else res.writeHead(200, { 'Content-Type': 'application/sep+xml' }).end(served.body);
  }

  // A plain TCP front so that a hung agent can accept connections and say nothing.
  const open = new Set<net.Socket>();
  const front = net.createServer((socket) => {
    open.add(socket);
    socket.setNoDelay(true);
    socket.on('close', () => open.delete(socket));
    socket.on('error', () => undefined);
    if (hang) held.add(socket);
    else tlsServer.emit('connection', socket);
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    front.once('error', reject);
    front.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (front.address() as net.AddressInfo).port;

  return {
    port,
    host,
    lfdi,
    certPem: identity.certPem,
    stats,
    state,
    register(l: string) {
      if (registered !== 'any') registered.add(l.replace(/-/g, '').toUpperCase());
    },
    setRegistered(list: string[] | 'any') {
      registered = registeredSet(list);
    },
    setHang(h: boolean) {
      hang = h;
      if (!h) {
        for (const s of held) s.destroy();
        held.clear();
      }
    },
    setPowerOfTen(mr: number, power: number) {
      docs.setPowerOfTen(mr, power);
    },
    async stop() {
      for (const s of open) s.destroy();
      await new Promise<void>((resolve) => front.close(() => resolve()));
      tlsServer.close();
    },
  };
}
