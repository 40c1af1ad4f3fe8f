/**
 * The embedded broker (aedes) for installs without one: MQTT on TCP and on WebSocket, for
 * clients with the generated login only, and packets over the size limit refused before
 * they are buffered.
 */
import { timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { Aedes, type AuthenticateError, type AuthErrorCode } from 'aedes';
import { WebSocketServer, createWebSocketStream } from 'ws';
import type { Logger } from '../core/logger.ts';
import { RepeatedWarnings } from '../core/repeatedWarnings.ts';
import type { BrokerCredentials } from './brokerCredentials.ts';
import type { FrameRefusal } from './mqttFrameSizes.ts';
import { PacketSizeGuard } from './packetSizeGuard.ts';
import { DEFAULT_RETAINED_LIMITS, RetainedBudget, type RetainedLimits } from './retainedBudget.ts';

export interface EmbeddedBrokerSettings {
  port: number;
  wsPort: number;
  host?: string;
  credentials: BrokerCredentials;
  /** The largest whole MQTT packet accepted; a client sending a larger one is disconnected. */
  maxPacketBytes: number;
  retainedLimits?: RetainedLimits;
  log: Logger;
}

export interface EmbeddedBroker {
  port: number;
  wsPort: number;
  /** Clients connected now (the bridge itself included). */
  clients(): number;
  close(): Promise<void>;
}

/** CONNACK return codes of MQTT 3.1.1 (§3.2.2.3): aedes speaks MQTT 3.1 and 3.1.1 only. */
const BAD_USERNAME_OR_PASSWORD = 4 as AuthErrorCode;
const NOT_AUTHORIZED = 5 as AuthErrorCode;

export async function startEmbeddedBroker(settings: EmbeddedBrokerSettings): Promise<EmbeddedBroker> {
  const { credentials, maxPacketBytes, log } = settings;
  const host = settings.host ?? '0.0.0.0';
  const warnings = new RepeatedWarnings(log);
  const peers = new WeakMap<object, string>();
  const expectedUser = Buffer.from(credentials.username);
  const expectedPassword = Buffer.from(credentials.password);
  const retained = new RetainedBudget(settings.retainedLimits ?? DEFAULT_RETAINED_LIMITS);

  const aedes = await Aedes.createBroker({
    authenticate: (client, username, password, done) => {
      const peer = peers.get(client.conn) ?? 'unknown peer';
      if (username === undefined || password === undefined) {
        warnings.warn(peer, `embedded MQTT broker: refused ${peer} without a username and password`);
        return done(refusal(NOT_AUTHORIZED, 'a username and password are required'), false);
      }
      if (!sameSecret(Buffer.from(username), expectedUser) || !sameSecret(password, expectedPassword)) {
        warnings.warn(peer, `embedded MQTT broker: refused ${peer}: wrong username or password`);
        return done(refusal(BAD_USERNAME_OR_PASSWORD, 'wrong username or password'), false);
      }
      done(null, true);
    },
    authorizePublish: (client, packet, done) => {
      // aedes's own rule, which a handler of our own replaces.
      if (packet.topic.startsWith('$SYS/')) return done(new Error('$SYS/ topics are reserved'));
      if (packet.retain && !retained.admit(packet.topic, packet.payload.length)) {
        packet.retain = false;
        const { topics, bytes } = retained.usage;
        warnings.warn(
          'retained store',
          `embedded MQTT broker: the retained store is full (${topics} topics, ${bytes} bytes); ${packet.topic} from ${client ? (peers.get(client.conn) ?? client.id) : 'a last will'} is delivered but not retained`,
        );
      }
      done(null);
    },
  });

  const handle = (conn: Duplex, peer: string, req?: http.IncomingMessage) => {
    const guarded = new PacketSizeGuard(conn, maxPacketBytes, (r) =>
      warnings.warn(peer, `embedded MQTT broker: disconnected ${peer}: ${describeRefusal(r, maxPacketBytes)}`),
    );
    peers.set(guarded, peer);
    aedes.handle(guarded, req);
  };

  const sockets = new Set<net.Socket>();
  const tcp = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    handle(socket, `${socket.remoteAddress}:${socket.remotePort}`);
  });
  const httpServer = http.createServer((_req, res) => {
    res.writeHead(426).end('MQTT over WebSocket only');
  });
  // ws holds a whole message before handing it on, so it gets a bound of its own; a message
  // may carry more than one packet, hence the margin.
  const wss = new WebSocketServer({ server: httpServer, maxPayload: 2 * maxPacketBytes });
  wss.on('connection', (ws, req) => {
    const stream = createWebSocketStream(ws);
    stream.on('error', () => ws.terminate());
    handle(stream, `${req.socket.remoteAddress}:${req.socket.remotePort} (WebSocket)`, req);
  });
  await listen(tcp, settings.port, host);
  try {
    await listen(httpServer, settings.wsPort, host);
  } catch (err) {
    tcp.close();
    throw err;
  }
  return {
    port: (tcp.address() as net.AddressInfo).port,
    wsPort: (httpServer.address() as net.AddressInfo).port,
    clients: () => aedes.connectedClients,
    async close() {
      warnings.stop();
      for (const s of sockets) s.destroy();
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
      await new Promise<void>((r) => httpServer.close(() => r()));
      await new Promise<void>((r) => tcp.close(() => r()));
      await new Promise<void>((r) => aedes.close(() => r()));
    },
  };
}

function refusal(returnCode: AuthErrorCode, message: string): AuthenticateError {
  return Object.assign(new Error(message), { returnCode });
}

/** Compared in constant time, so the answer's timing says nothing about the secret. */
function sameSecret(given: Buffer, expected: Buffer): boolean {
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function describeRefusal(r: FrameRefusal, maxPacketBytes: number): string {
  if (r.reason === 'malformed remaining length') return 'a packet with a malformed remaining length';
  return `a packet of ${r.size} bytes, over the limit of ${maxPacketBytes} bytes (mqtt.max_packet_kb)`;
}

function listen(server: net.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(new Error(`embedded broker cannot listen on ${host}:${port}: ${err.message}`));
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}
