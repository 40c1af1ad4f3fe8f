/**
 * A stand-in for Home Assistant's ingress: requests under /api/hassio_ingress/<token>/ are
 * forwarded to the add-on with the prefix stripped and `X-Ingress-Path` set; responses
 * (SSE included) are streamed back unchanged. Anything outside the prefix is a 404 and is
 * recorded, so a test can tell that the UI never left the ingress path.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface IngressProxy {
  /** The page URL a user opens: http://127.0.0.1:<port>/api/hassio_ingress/<token>/ */
  url: string;
  prefix: string;
  /** Requests that escaped the ingress prefix. */
  escaped: string[];
  close(): Promise<void>;
}

export async function startIngressProxy(target: string, token = 'e2eTOKEN_0123456789abcdef'): Promise<IngressProxy> {
  const prefix = `/api/hassio_ingress/${token}`;
  const upstream = new URL(target);
  const escaped: string[] = [];
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    if (url !== prefix && !url.startsWith(`${prefix}/`)) {
      escaped.push(`${req.method} ${url}`);
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('outside the ingress path');
      return;
    }
    const headers = { ...req.headers, host: upstream.host, 'x-ingress-path': prefix };
    const forward = http.request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: url.slice(prefix.length) || '/', headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    forward.on('error', (err) => {
      if (!res.headersSent) res.writeHead(502, { 'Content-Type': 'text/plain' });
      res.end(`ingress: ${err.message}`);
    });
    res.on('close', () => forward.destroy());
    req.pipe(forward);
  });
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${prefix}/`,
    prefix,
    escaped,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
