/**
 * The embedded broker as the app starts it: only its generated login gets in (TCP and
 * WebSocket), the bridge publishes through it, a packet over the limit disconnects its
 * sender without being stored, and the panel shows the login while nothing else does.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { WattwireApp } from '../../../server/app.ts';
import { createLogger, LogRing } from '../../../server/core/logger.ts';
import { CREDENTIALS_FILE } from '../../../server/mqtt/brokerCredentials.ts';
import { startEmbeddedBroker } from '../../../server/mqtt/embeddedBroker.ts';
import { optionsSchema } from '../../../server/options/schema.ts';
import type { BrokerLogin } from '../../../server/web/context.ts';
import { freePort, waitFor } from '../../support/ports.ts';

// The core is tested on its own here; each driver has its own end-to-end tests.
vi.mock('../../../server/drivers/registry.ts', () => ({ DEFINITIONS: [], definitionOf: () => undefined }));

const quiet = () => new Writable({ write: (_c, _e, cb) => cb() });
/** What the latest app logged. */
let logRing: LogRing;

async function startApp(dataDir: string, mqttOptions: Record<string, unknown> = {}): Promise<WattwireApp> {
  logRing = new LogRing();
  const app = new WattwireApp({
    options: optionsSchema.parse({ log_level: 'info', mqtt: mqttOptions }),
    env: { dataDir, httpPort: 0, mqttPort: await freePort(), mqttWsPort: await freePort() },
    log: createLogger('info', quiet(), logRing),
    host: '127.0.0.1',
    birthDelayMs: 50,
  });
  await app.start();
  return app;
}

/** Connect and report the CONNACK refusal code, or 0 when accepted. */
async function connectCode(url: string, opts: IClientOptions): Promise<number> {
  try {
    const client = await mqtt.connectAsync(url, { reconnectPeriod: 0, connectTimeout: 20_000, ...opts });
    await client.endAsync(true);
    return 0;
  } catch (err) {
    return (err as { code?: number }).code ?? -1;
  }
}

/** Whether the broker has closed this client's connection by now. */
function hungUp(client: MqttClient): () => boolean {
  let gone = !client.connected;
  client.once('close', () => {
    gone = true;
  });
  return () => gone;
}

describe('embedded MQTT broker', () => {
  let dataDir: string;
  let app: WattwireApp;
  let login: BrokerLogin;
  let tcpUrl: string;
  let wsUrl: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'ww-embedded-'));
    app = await startApp(dataDir);
    login = app.brokerLogin() as BrokerLogin;
    tcpUrl = `mqtt://127.0.0.1:${login.port}`;
    wsUrl = `ws://127.0.0.1:${login.wsPort}`;
  });

  afterAll(async () => {
    await app?.stop();
  });

  it('keeps its generated login in a 0600 file in the data directory', () => {
    expect(login).toMatchObject({ host: '127.0.0.1', username: 'wattwire', password: expect.stringMatching(/^[\w-]{32}$/) });
    expect(statSync(path.join(dataDir, CREDENTIALS_FILE)).mode & 0o777).toBe(0o600);
  });

  it('refuses anonymous clients and wrong passwords, on TCP and on WebSocket, and lets the login in', async () => {
    for (const url of [tcpUrl, wsUrl]) {
      expect(await connectCode(url, {})).toBe(5); // not authorized
      expect(await connectCode(url, { username: login.username, password: 'not-the-password' })).toBe(4); // bad username or password
      expect(await connectCode(url, { username: 'admin', password: login.password })).toBe(4);
      expect(await connectCode(url, { username: login.username, password: login.password })).toBe(0);
    }
  }, 60_000);

  it('carries the bridge: discovery of a device reaches a logged-in subscriber', async () => {
    const sub = await mqtt.connectAsync(tcpUrl, { username: login.username, password: login.password, reconnectPeriod: 0 });
    const seen = new Set<string>();
    sub.on('message', (topic) => seen.add(topic));
    await sub.subscribeAsync(['homeassistant/#', 'wattwire/#'], { qos: 1 });
    const meter = app.hub.addDevice({ id: 'emb1', kind: 'test', name: 'Meter' }, [
      { key: 'power', name: 'Power', unit: 'W', deviceClass: 'power', stateClass: 'measurement' },
    ]);
    meter.setStatus('online');
    await waitFor(() => seen.has('homeassistant/device/emb1/config') && seen.has('wattwire/bridge/status'), {
      timeoutMs: 20_000,
      what: 'discovery through the embedded broker',
    });
    await sub.endAsync(true);
  }, 30_000);

  it('disconnects a client that sends a packet over the limit, which is never stored', async () => {
    const auth = { username: login.username, password: login.password, reconnectPeriod: 0 };
    // A retained packet within the limit is kept.
    const ok = await mqtt.connectAsync(tcpUrl, auth);
    await ok.publishAsync('big/fits', Buffer.alloc(200 * 1024, 1), { qos: 1, retain: true });
    await ok.endAsync();

    // 300 KB through mqtt.js, on TCP and on WebSocket: over the default 256 KB.
    for (const url of [tcpUrl, wsUrl]) {
      const over = await mqtt.connectAsync(url, auth);
      const overGone = hungUp(over);
      over.publish('big/over', Buffer.alloc(300 * 1024, 2), { qos: 0, retain: true });
      await waitFor(overGone, { what: `the broker to disconnect the 300 KB publisher on ${url}` });
      over.end(true);
    }

    // A header announcing 200 MB, then bytes until the broker hangs up: it must do so long before.
    const raw = await mqtt.connectAsync(tcpUrl, auth);
    const socket = raw.stream;
    const rawGone = hungUp(raw);
    let sent = 0;
    const header = Buffer.from([0x31, 0x80, 0x80, 0x80, 0x64]); // PUBLISH, retain, remaining length 200 MiB
    socket.write(header);
    const mb = Buffer.alloc(1024 * 1024, 3);
    while (!rawGone() && sent < 200 * 1024 * 1024) {
      if (!socket.write(mb)) await new Promise((r) => socket.once('drain', r).once('close', r));
      sent += mb.length;
      await new Promise((r) => setImmediate(r));
    }
    await waitFor(rawGone, { what: 'the broker to disconnect the 200 MB publisher' });
    raw.end(true);
    expect(sent).toBeLessThan(64 * 1024 * 1024);

    // A new subscriber gets the retained message that fits, and the sentinel after it, never the others.
    const sentinel = await mqtt.connectAsync(tcpUrl, auth);
    await sentinel.publishAsync('big/sentinel', 'after', { qos: 1, retain: true });
    await sentinel.endAsync();
    const sub = await mqtt.connectAsync(tcpUrl, auth);
    const topics: string[] = [];
    sub.on('message', (topic) => topics.push(topic));
    await sub.subscribeAsync('big/#', { qos: 1 });
    await waitFor(() => topics.includes('big/sentinel') && topics.includes('big/fits'), { what: 'retained messages' });
    expect(topics.sort()).toEqual(['big/fits', 'big/sentinel']);
    await sub.endAsync(true);
    expect(logRing.recent().some((l) => /disconnected .* a packet of 30\d{4} bytes, over the limit of 262144 bytes/.test(l.msg))).toBe(
      true,
    );
  }, 60_000);

  it('shows the login on the panel, and never in health, the logs or the diagnostics bundle', async () => {
    const res = await fetch(`${app.webUrl}api/broker/login`);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({ embedded: true, ...login });
    for (const p of ['api/health', 'api/logs', 'api/diagnostics/bundle', 'api/options', 'api/stats']) {
      const text = await (await fetch(`${app.webUrl}${p}`)).text();
      expect(text, p).not.toContain(login.password);
    }
    expect(JSON.stringify(logRing.recent())).not.toContain(login.password);
  });

  it('keeps the same login after a restart', async () => {
    await app.stop();
    app = await startApp(dataDir);
    expect(app.brokerLogin()).toMatchObject({ username: login.username, password: login.password });
    login = app.brokerLogin() as BrokerLogin;
    expect(await connectCode(`mqtt://127.0.0.1:${login.port}`, { username: login.username, password: login.password })).toBe(0);
  }, 30_000);

  it('has no login to show when another broker is in use', async () => {
    const other = await startApp(mkdtempSync(path.join(tmpdir(), 'ww-external-')), { host: '127.0.0.1', port: await freePort() });
    try {
      expect(other.brokerLogin()).toBeUndefined();
      expect(await (await fetch(`${other.webUrl}api/broker/login`)).json()).toEqual({ embedded: false });
    } finally {
      await other.stop();
    }
  });
});

describe('embedded MQTT broker retained store', () => {
  it('delivers but does not keep a retained message beyond its limits, and refuses $SYS/ topics', async () => {
    const credentials = { username: 'wattwire', password: 'x'.repeat(32) };
    const broker = await startEmbeddedBroker({
      port: 0,
      wsPort: 0,
      host: '127.0.0.1',
      credentials,
      maxPacketBytes: 64 * 1024,
      retainedLimits: { maxTopics: 2, maxBytes: 1024 },
      log: createLogger('error', quiet()),
    });
    const url = `mqtt://127.0.0.1:${broker.port}`;
    const auth = { ...credentials, reconnectPeriod: 0 };
    try {
      const live = await mqtt.connectAsync(url, auth);
      const liveTopics: string[] = [];
      live.on('message', (topic) => liveTopics.push(topic));
      await live.subscribeAsync('r/#', { qos: 1 });
      const pub = await mqtt.connectAsync(url, auth);
      for (const t of ['r/1', 'r/2', 'r/3']) await pub.publishAsync(t, 'v', { qos: 1, retain: true });
      await pub.publishAsync('r/big', Buffer.alloc(2000), { qos: 1, retain: true });
      await waitFor(() => liveTopics.length === 4, { what: 'live delivery of every message' });

      const late = await mqtt.connectAsync(url, auth);
      const kept: string[] = [];
      late.on('message', (topic) => kept.push(topic));
      // The sentinel clears r/1, which frees room for it to be kept.
      await pub.publishAsync('r/1', '', { qos: 1, retain: true });
      await pub.publishAsync('r/sentinel', 'after', { qos: 1, retain: true });
      await late.subscribeAsync('r/#', { qos: 1 });
      await waitFor(() => kept.includes('r/sentinel'), { what: 'the retained sentinel' });
      expect(kept.sort()).toEqual(['r/2', 'r/sentinel']);

      const gone = hungUp(pub);
      pub.publish('$SYS/fake', 'x');
      await waitFor(gone, { what: 'the broker to disconnect a $SYS/ publisher' });
      await Promise.all([live.endAsync(true), late.endAsync(true), pub.endAsync(true)]);
    } finally {
      await broker.close();
    }
  });
});

describe('embedded MQTT broker client count', () => {
  it('counts the clients connected now, for the gateway stats', async () => {
    const credentials = { username: 'wattwire', password: 'count-test-password' };
    const broker = await startEmbeddedBroker({
      port: 0,
      wsPort: 0,
      host: '127.0.0.1',
      credentials,
      maxPacketBytes: 64 * 1024,
      log: createLogger('error', quiet()),
    });
    try {
      expect(broker.clients()).toBe(0);
      const url = `mqtt://127.0.0.1:${broker.port}`;
      const one = await mqtt.connectAsync(url, { ...credentials, reconnectPeriod: 0 });
      const two = await mqtt.connectAsync(url, { ...credentials, reconnectPeriod: 0 });
      await waitFor(() => broker.clients() === 2, { what: 'two clients' });
      await one.endAsync();
      await waitFor(() => broker.clients() === 1, { what: 'one client left' });
      await two.endAsync();
    } finally {
      await broker.close();
    }
  });
});
