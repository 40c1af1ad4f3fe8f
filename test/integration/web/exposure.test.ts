/**
 * Standalone exposure over real sockets: loopback by default, a LAN bind only with a token,
 * and refusals that cannot flood the log. 127.0.0.2 stands for another host on the LAN.
 */
import { afterEach, describe, expect, it } from 'vitest';
import http from 'node:http';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { WattwireApp } from '../../../server/app.ts';
import type { Environment } from '../../../server/options/load.ts';
import { optionsSchema } from '../../../server/options/schema.ts';
import { freePort } from '../../support/ports.ts';

const TOKEN = 'correct-horse-battery-staple-42';
const LAN_PEER = '127.0.0.2';

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function request(
  host: string,
  port: number,
  urlPath: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string; agent?: http.Agent } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host, port, path: urlPath, method: opts.method ?? 'GET', headers: opts.headers, localAddress: LAN_PEER, agent: opts.agent },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

let dataDir: string | undefined;
let app: WattwireApp | undefined;

afterEach(async () => {
  await app?.stop();
  app = undefined;
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
  dataDir = undefined;
});

async function startApp(web: Partial<Environment>): Promise<{ port: number; optionsFile: string }> {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'wattwire-web-'));
  const port = await freePort();
  const optionsFile = path.join(dataDir, 'options.json');
  const options = optionsSchema.parse({ dlt645: { listen: false }, kostal: [{ host: '127.0.0.1:1', password: 'piko-secret' }] });
  app = new WattwireApp({
    options,
    env: { dataDir, optionsFile, httpPort: port, mqttPort: await freePort(), mqttWsPort: 0, ...web },
    uiDir: '/nonexistent',
  });
  await app.start();
  return { port, optionsFile };
}

describe('standalone web exposure', () => {
  it('listens on loopback only unless WATTWIRE_HTTP_HOST says otherwise', async () => {
    const { port } = await startApp({});
    expect((await request('127.0.0.1', port, '/api/health')).status).toBe(200);
    await expect(request(LAN_PEER, port, '/api/health')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('refuses to start on a LAN address without a token, before anything listens', async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'wattwire-web-'));
    const mqttPort = await freePort();
    const bare = new WattwireApp({
      options: optionsSchema.parse({ dlt645: { listen: false } }),
      env: { dataDir, httpPort: await freePort(), mqttPort, mqttWsPort: 0, httpHost: '0.0.0.0' },
    });
    await expect(bare.start()).rejects.toThrow(/WATTWIRE_HTTP_HOST=0\.0\.0\.0 .*WATTWIRE_HTTP_TOKEN/);
    await expect(request('127.0.0.1', mqttPort, '/')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('on a LAN address, lets another host use the API only with the token', async () => {
    const { port, optionsFile } = await startApp({ httpHost: '0.0.0.0', httpToken: TOKEN });
    const wipe = await request(LAN_PEER, port, '/api/options', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(wipe.status).toBe(401);
    expect(JSON.parse(wipe.body).error).toMatch(/WATTWIRE_HTTP_TOKEN/);
    expect(app?.currentOptions.kostal).toHaveLength(1);
    const wrong = await request(LAN_PEER, port, '/api/devices', { headers: { authorization: `Bearer ${TOKEN}x` } });
    expect(wrong.status).toBe(401);
    const scan = await request(LAN_PEER, port, '/api/onboarding/test', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'kostal', config: { host: '10.0.0.1:22' } }),
    });
    expect(scan.status).toBe(401);
    expect((await request(LAN_PEER, port, '/api/certs/generate', { method: 'POST' })).status).toBe(401);
    // Another spelling of the same route is the same route.
    const encoded = await request(LAN_PEER, port, '/%61pi/options', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(encoded.status).toBe(401);

    const bearer = await request(LAN_PEER, port, '/api/options', { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(bearer.status).toBe(200);
    expect(JSON.parse(bearer.body).kostal[0].host).toBe('127.0.0.1:1');

    // The browser: the page loads without the token, `?token=` once turns into a cookie.
    expect((await request(LAN_PEER, port, '/')).status).toBe(200);
    expect((await request(LAN_PEER, port, `/?token=${TOKEN}x`)).status).toBe(401);
    const landing = await request(LAN_PEER, port, `/?token=${encodeURIComponent(TOKEN)}`);
    expect(landing.status).toBe(303);
    expect(landing.headers.location).toBe('./');
    expect((await request(LAN_PEER, port, `/index.html?token=${TOKEN}`)).headers.location).toBe('index.html');
    // Never a redirect to another host, whatever the path (backslashes count as slashes in browsers).
    expect((await request(LAN_PEER, port, `/\\\\evil.example?token=${TOKEN}`)).headers.location).toBe('./');
    const cookie = String(landing.headers['set-cookie']?.[0]);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const withCookie = await request(LAN_PEER, port, '/api/devices', { headers: { cookie: cookie.split(';')[0]! } });
    expect(withCookie.status).toBe(200);

    // A save through the API writes the options file for the owner only.
    const put = await request(LAN_PEER, port, '/api/options', {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: bearer.body,
    });
    expect(put.status).toBe(200);
    expect(JSON.parse(await readFile(optionsFile, 'utf8')).kostal[0].password).toBe('piko-secret');
  });

  it('sums up a flood of refused requests: two warnings at most, earlier lines stay in the log', async () => {
    const { port } = await startApp({ httpHost: '0.0.0.0', httpToken: TOKEN });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 8, localAddress: LAN_PEER });
    const refused = await Promise.all(Array.from({ length: 5000 }, () => request(LAN_PEER, port, '/api/devices', { agent })));
    agent.destroy();
    expect(refused.every((r) => r.status === 401)).toBe(true);
    const logs = await request(LAN_PEER, port, '/api/logs', { headers: { authorization: `Bearer ${TOKEN}` } });
    const lines = JSON.parse(logs.body) as { level: string; msg: string }[];
    expect(lines.filter((l) => l.level === 'warning' && /refused/.test(l.msg)).length).toBeLessThanOrEqual(2);
    expect(lines.some((l) => l.level === 'info' && /web UI on/.test(l.msg))).toBe(true);
  });
});
