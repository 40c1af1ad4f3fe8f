/**
 * The TCP push listener against hostile peers (issue 14, 15 item 8): garbage and idle
 * connections are closed after their budget with one log line per source, connections
 * are capped per source address (127.0.0.2 and 127.0.0.3 stand for two LAN hosts),
 * unknown system titles neither touch configured meters nor grow a list without bound,
 * and a replayed frame counter is a warning event on the device.
 */
import net from 'node:net';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { type DeviceEvent, Hub } from '../../../server/core/hub.ts';
import { createLogger } from '../../../server/core/logger.ts';
import { dlmsMeter } from '../../../server/drivers/dlms/options.ts';
import { type ConnectionLimits, PushListener } from '../../../server/drivers/dlms/pushListener.ts';
import { PushMeter } from '../../../server/drivers/dlms/pushMeter.ts';
import type { DriverContext } from '../../../server/drivers/types.ts';
import { optionsSchema } from '../../../server/options/schema.ts';
import { DlmsPushSim } from '../../../server/sim/dlms/pushSim.ts';
import { freePort, waitFor } from '../../support/ports.ts';

const ST = '4B464D1010000023';
const EK = '101112131415161718191A1B1C1D1E1F';
const AK = 'D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF';

interface Bench {
  hub: Hub;
  listener: PushListener;
  port: number;
  lines: () => Record<string, unknown>[];
  meters: PushMeter[];
}

let bench: Bench | undefined;
const sims: DlmsPushSim[] = [];
const sockets: net.Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(sims.splice(0).map((s) => s.stop()));
  await bench?.listener.stop();
  bench = undefined;
});

async function startListener(
  meters: Record<string, unknown>[],
  limits: Partial<ConnectionLimits> = {},
  unknown = { maxMeters: 32, perMinute: 10 },
): Promise<Bench> {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      cb();
    },
  });
  const hub = new Hub();
  const log = createLogger('debug', sink);
  const ctx: DriverContext = { hub, log, options: optionsSchema.parse({}), dataDir: '/tmp', reportConfigError: () => undefined };
  const port = await freePort();
  const pushMeters = meters.map((m, i) => new PushMeter(ctx, dlmsMeter.parse({ mode: 'push', ...m }), `dlms_meters[${i}]`, 'TCP'));
  const listener = new PushListener(pushMeters, port, log, unknown, limits);
  await listener.start();
  bench = { hub, listener, port, meters: pushMeters, lines: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
  return bench;
}

async function connectFrom(localAddress: string, port: number): Promise<net.Socket> {
  const s = net.connect({ host: '127.0.0.1', port, localAddress });
  sockets.push(s);
  s.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    s.once('connect', resolve);
    s.once('error', reject);
  });
  return s;
}

const closed = (s: net.Socket) => s.destroyed || s.readyState === 'closed';
const warnings = (b: Bench, re: RegExp) => b.lines().filter((l) => l.level === 40 && typeof l.msg === 'string' && re.test(l.msg));

function sim(port: number, systemTitle: string, extra: Partial<ConstructorParameters<typeof DlmsPushSim>[0]> = {}): DlmsPushSim {
  const s = new DlmsPushSim({
    target: { host: '127.0.0.1', port },
    framing: 'wrapper',
    security: 'auth-encrypt',
    systemTitle: Buffer.from(systemTitle, 'hex'),
    encryptionKey: Buffer.from(EK, 'hex'),
    authenticationKey: Buffer.from(AK, 'hex'),
    intervalMs: 100,
    ...extra,
  });
  sims.push(s);
  return s;
}

describe('DLMS push listener budgets', () => {
  it('closes a connection that sends only garbage, with one warning for its source, while a real meter keeps pushing', async () => {
    const b = await startListener([{ system_title: ST, encryption_key: EK, authentication_key: AK }], { garbageBytes: 8192 });
    const meter = sim(b.port, ST);
    await meter.start();
    const garbage = await connectFrom('127.0.0.2', b.port);
    for (let i = 0; i < 8 && !closed(garbage); i++) garbage.write(Buffer.alloc(4096, 0x00));
    await waitFor(() => closed(garbage), { what: 'garbage connection closed' });
    expect(warnings(b, /from 127\.0\.0\.2 closed: \d+ bytes without a valid frame/)).toHaveLength(1);
    const sent = meter.sent;
    await waitFor(() => meter.sent >= sent + 3 && (b.hub.get(ST)?.counters.readings ?? 0) > 0, { what: 'meter still publishing' });
    expect(b.hub.get(ST)?.status.availability).toBe('online');
    expect(b.listener.diagnostics()).toMatchObject({ closedForGarbage: 1 });
  });

  it('closes a connection that stays silent past the time budget, but not one that pushes valid telegrams', async () => {
    const b = await startListener([{ system_title: ST, encryption_key: EK, authentication_key: AK }], { idleMs: 600 });
    const meter = sim(b.port, ST, { intervalMs: 150 });
    await meter.start();
    const idle = await connectFrom('127.0.0.3', b.port);
    await waitFor(() => closed(idle), { what: 'idle connection closed' });
    expect(warnings(b, /from 127\.0\.0\.3 closed: no valid frame for 1 s/)).toHaveLength(1);
    // The meter's connection outlives several budgets because each telegram renews it.
    const sent = meter.sent;
    await waitFor(() => meter.sent >= sent + 12, { what: 'telegrams across several budgets', timeoutMs: 30_000 });
    expect(b.listener.diagnostics()).toMatchObject({ closedForGarbage: 1, open: 1 });
  });

  it('caps connections per source address, not for other sources', async () => {
    const b = await startListener([{ system_title: ST, encryption_key: EK }], { perSource: 2 });
    await connectFrom('127.0.0.2', b.port);
    await connectFrom('127.0.0.2', b.port);
    await waitFor(() => b.listener.diagnostics().open === 2, { what: 'two accepted' });
    const third = await connectFrom('127.0.0.2', b.port);
    const fourth = await connectFrom('127.0.0.2', b.port);
    await waitFor(() => closed(third) && closed(fourth), { what: 'third and fourth refused' });
    const other = await connectFrom('127.0.0.3', b.port);
    await waitFor(() => b.listener.diagnostics().open === 3, { what: 'other source accepted' });
    expect(closed(other)).toBe(false);
    expect(warnings(b, /from 127\.0\.0\.2 refused: at most 2 from one address/)).toHaveLength(1);
    expect(b.listener.diagnostics()).toMatchObject({ refused: 2 });
  });
});

describe('DLMS IVY heartbeats', () => {
  it('are logged with the source address before any meter is bound, and renew the connection budget', async () => {
    const b = await startListener([{ id: 'ivy_a' }, { id: 'ivy_b' }], { garbageBytes: 100 });
    const s = await connectFrom('127.0.0.2', b.port);
    const heartbeat = Buffer.concat([
      Buffer.from('00010001000100120A020C', 'hex'),
      Buffer.from('000000000001'),
      Buffer.from('0D1234', 'hex'),
    ]);
    for (let i = 0; i < 8; i++) s.write(heartbeat);
    await waitFor(() => b.lines().filter((l) => l.msg === 'IVY meter connected (heartbeat)').length === 8, { what: 'heartbeat lines' });
    expect(b.lines().find((l) => l.msg === 'IVY meter connected (heartbeat)')).toMatchObject({
      remote: '127.0.0.2',
      address: '000000000001',
    });
    expect(closed(s)).toBe(false);
  });
});

describe('DLMS pushes from unknown system titles', () => {
  it('leave a keyless configured meter alone and wait in a bounded list', async () => {
    const b = await startListener([{ id: 'plain_meter' }], {}, { maxMeters: 5, perMinute: 3 });
    const titles = Array.from({ length: 6 }, (_, i) => `4B464D10100000${(0x30 + i).toString(16).toUpperCase()}`);
    for (const t of titles) await sim(b.port, t, { security: 'encrypt' }).start();
    await waitFor(() => sims.every((s) => s.sent >= 3), { what: 'telegrams from every unknown title' });
    expect(b.listener.pendingMeters().map((p) => p.systemTitle)).toHaveLength(3);
    expect(b.listener.pendingMeters()[0]).toMatchObject({ ip: '127.0.0.1' });
    expect(b.hub.get('plain_meter')?.status.availability).not.toBe('fault');
    expect(b.meters[0]!.device.diag.problem).toBe('waiting');
    expect(warnings(b, /system title\(s\) that are not configured/)).toHaveLength(1);
  });

  it('go to a keyed meter without a system title only when they decrypt with its key', async () => {
    const b = await startListener([{ id: 'keyed', encryption_key: EK, authentication_key: AK }]);
    await sim(b.port, '4B464D1010000099', { encryptionKey: Buffer.from('000102030405060708090A0B0C0D0E0F', 'hex') }).start();
    await waitFor(() => b.listener.pendingMeters().length === 1, { what: 'stranger listed' });
    expect(b.meters[0]!.device.diag.problem).toBe('waiting');
    await sim(b.port, ST).start();
    await waitFor(() => b.hub.get('keyed')?.status.availability === 'online', { what: 'own meter adopted by its key' });
    expect(b.meters[0]!.device.systemTitle).toBe(ST);
  });
});

describe('DLMS replayed frame counters', () => {
  it('are one warning event on the device per episode', async () => {
    const b = await startListener([{ system_title: ST, encryption_key: EK, authentication_key: AK }]);
    const events: DeviceEvent[] = [];
    b.hub.on('event', (_rec, e: DeviceEvent) => events.push(e));
    const meter = sim(b.port, ST);
    await meter.start();
    await waitFor(() => b.hub.get(ST)?.status.availability === 'online', { what: 'online' });
    meter.fault = 'replay';
    const sent = meter.sent;
    await waitFor(() => meter.sent >= sent + 4 && events.some((e) => e.event === 'dlms_frame_counter_replay'), { what: 'replay event' });
    expect(events.filter((e) => e.event === 'dlms_frame_counter_replay')).toEqual([
      expect.objectContaining({ type: 'warning', message: expect.stringMatching(/frame counter \d+ did not increase/) }),
    ]);
  });
});
