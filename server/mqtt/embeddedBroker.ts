/** The embedded broker (aedes) for installs without one: MQTT on TCP and on WebSocket. */
import net from 'node:net';
import http from 'node:http';
import { Aedes } from 'aedes';
import { WebSocketServer, createWebSocketStream } from 'ws';

export interface EmbeddedBroker {
  port: number;
  wsPort: number;
  /** Clients connected now (the bridge itself included). */
  clients(): number;
  close(): Promise<void>;
}

export async function startEmbeddedBroker(port: number, wsPort: number, host = '0.0.0.0'): Promise<EmbeddedBroker> {
  const aedes = await Aedes.createBroker();
  const tcp = net.createServer(aedes.handle);
  const httpServer = http.createServer((_req, res) => {
    res.writeHead(426).end('MQTT over WebSocket only');
  });
  const wss = new WebSocketServer({ server: httpServer });
  wss.on('connection', (ws, req) => {
    const stream = createWebSocketStream(ws);
    stream.on('error', () => ws.terminate());
    aedes.handle(stream, req);
  });
  await listen(tcp, port, host);
  try {
    await listen(httpServer, wsPort, host);
  } catch (err) {
    tcp.close();
    throw err;
  }
  const sockets = new Set<net.Socket>();
  tcp.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return {
    port: (tcp.address() as net.AddressInfo).port,
    wsPort: (httpServer.address() as net.AddressInfo).port,
    clients: () => aedes.connectedClients,
    async close() {
      for (const s of sockets) s.destroy();
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
      await new Promise<void>((r) => httpServer.close(() => r()));
      await new Promise<void>((r) => tcp.close(() => r()));
      await new Promise<void>((r) => aedes.close(() => r()));
    },
  };
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
