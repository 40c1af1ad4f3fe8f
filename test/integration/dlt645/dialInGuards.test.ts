/**
 * The dial-in listener against hostile and confused peers: connections that send nothing
 * valid, floods of new addresses, a second DTU claiming a meter that is online, pins.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../support/ports.ts';
import { FakeDtu } from './fakeDtu.ts';
import { eventsOf, startBridge, type Bridge } from './harness.ts';

let bridge: Bridge | undefined;
const dtus: FakeDtu[] = [];
const sockets: net.Socket[] = [];

afterEach(async () => {
  for (const s of sockets) s.destroy();
  sockets.length = 0;
  await Promise.all(dtus.map((d) => d.close()));
  dtus.length = 0;
  await bridge?.stop();
  bridge = undefined;
});

const online = (b: Bridge, id: string) => b.hub.get(id)?.status.availability === 'online';
const dial = async (opts: Parameters<typeof FakeDtu.dial>[0]) => {
  const dtu = await FakeDtu.dial(opts);
  dtus.push(dtu);
  return dtu;
};
const raw = (port: number, localAddress?: string) => {
  const s = net.connect({ host: '127.0.0.1', port, localAddress });
  s.on('error', () => undefined);
  // Read what the bridge sends (read-address requests), or the end of the stream never shows.
  s.resume();
  sockets.push(s);
  return s;
};
const closedPromise = (s: net.Socket) => new Promise<void>((resolve) => s.once('close', () => resolve()));

describe('DL/T 645 dial-in guards', () => {
  it('closes connections that keep sending garbage (byte budget) or nothing (time budget), with one log line per source', async () => {
    bridge = await startBridge({ idle_timeout: 5, poll_interval: 1 });
    const b = bridge;
    const junk = Buffer.alloc(4096, 0x68);
    const noisy = Array.from({ length: 20 }, () => raw(b.port, '127.0.0.2'));
    for (const s of noisy) for (let i = 0; i < 8; i++) s.write(junk);
    await Promise.all(noisy.map((s) => (s.destroyed ? undefined : closedPromise(s))));
    const silent = raw(b.port, '127.0.0.3');
    await closedPromise(silent);
    await waitFor(() => b.driver.diagnostics?.().connections === 0, { what: 'no connection left' });
    expect(b.driver.diagnostics?.()).toMatchObject({ meters: 0 });
    const closedLines = (ip: string) => b.logs.filter((l) => l.msg.startsWith(`dlt645 connection from ${ip} closed`));
    expect(closedLines('127.0.0.2')).toHaveLength(1);
    expect(closedLines('127.0.0.2')[0]!.msg).toMatch(/without a valid meter frame/);
    expect(closedLines('127.0.0.3')).toEqual([expect.objectContaining({ msg: expect.stringMatching(/no valid meter frame for \d+ s/) })]);
  }, 30_000);

  it('keeps a silent DTU that answers read-address, past the time budget', async () => {
    bridge = await startBridge({ idle_timeout: 5, poll_interval: 1 });
    const b = bridge;
    const dtu = await dial({ port: b.port, address: '000000000301', localAddress: '127.0.0.2', announce: false });
    await waitFor(() => online(b, '000000000301'), { what: 'identified by read-address' });
    const polls = (b.hub.get('000000000301')!.diagnostics.polls as number) + 8;
    await waitFor(() => (b.hub.get('000000000301')!.diagnostics.polls as number) >= polls, { what: 'eight more polls', timeoutMs: 25_000 });
    expect(dtu.isClosed).toBe(false);
  }, 30_000);

  it('refuses connections beyond max_connections_per_ip, but not from another address', async () => {
    bridge = await startBridge({ max_connections_per_ip: 2 });
    const b = bridge;
    const closed = [0, 1, 2].map(() => raw(b.port, '127.0.0.2')).map((s) => ({ s, closed: false }));
    for (const c of closed) c.s.once('close', () => (c.closed = true));
    await waitFor(() => closed.filter((c) => c.closed).length === 1, { what: 'the third connection refused' });
    await waitFor(() => b.driver.diagnostics?.().connections === 2, { what: 'two connections kept' });
    const other = raw(b.port, '127.0.0.3');
    await waitFor(() => b.driver.diagnostics?.().connections === 3, { what: 'another host still accepted' });
    expect(other.destroyed).toBe(false);
  });

  it('does not adopt a meter that only announces itself and never answers a read', async () => {
    bridge = await startBridge();
    const b = bridge;
    const liar = await dial({ port: b.port, address: '000000000311', localAddress: '127.0.0.2', answering: false });
    await waitFor(() => (b.driver.diagnostics?.().timeouts as number) >= 1, { what: 'the proving read timed out' });
    expect(b.hub.get('000000000311')).toBeUndefined();
    expect(liar.reads).toBe(0);
  });

  const flood = (b: Bridge, n: number, first: number) =>
    Promise.all(
      Array.from({ length: n }, (_, i) => dial({ port: b.port, address: String(first + i).padStart(12, '0'), localAddress: '127.0.0.2' })),
    );
  const dlt645Devices = (b: Bridge) => b.hub.list().filter((r) => r.info.kind === 'dlt645');

  it('a flood of 220 connections each announcing a new meter: adopt_per_minute respected, the rest wait, one log line', async () => {
    bridge = await startBridge({ max_meters: 8, adopt_per_minute: 3, max_connections_per_ip: 500, timeout: 2 });
    const b = bridge;
    const dtus = await flood(b, 220, 400000);
    await waitFor(() => b.driver.pendingMeters().length === 217, { what: 'the rest waiting', timeoutMs: 30_000 });
    expect(dlt645Devices(b)).toHaveLength(3);
    expect(new Set(b.driver.pendingMeters().map((p) => p.reason))).toEqual(new Set(['adopt_per_minute']));
    expect(b.logs.filter((l) => l.msg.includes('not adopted'))).toEqual([
      expect.objectContaining({ msg: expect.stringMatching(/not adopted \(adopt_per_minute\); 1 meters waiting/) }),
    ]);
    expect(dtus.every((d) => !d.isClosed)).toBe(true);
  }, 60_000);

  it('a flood of 300 meters: at most max_meters devices, and a pending list that stops growing', async () => {
    bridge = await startBridge({ max_meters: 5, adopt_per_minute: 1000, max_connections_per_ip: 500, timeout: 2 });
    const b = bridge;
    await flood(b, 300, 500000);
    await waitFor(() => (b.driver.diagnostics?.().pendingNotListed as number) === 300 - 5 - 256, {
      what: 'the pending list full',
      timeoutMs: 40_000,
    });
    expect(dlt645Devices(b)).toHaveLength(5);
    expect(b.driver.pendingMeters()).toHaveLength(256);
    expect(new Set(b.driver.pendingMeters().map((p) => p.reason))).toEqual(new Set(['max_meters']));
  }, 60_000);

  it('a meter waiting for a place under max_meters is adopted once a device is removed', async () => {
    bridge = await startBridge({ max_meters: 2, adopt_per_minute: 100 });
    const b = bridge;
    await flood(b, 3, 700000);
    await waitFor(() => b.driver.pendingMeters().length === 1, { what: 'the third waiting' });
    const [waiting] = b.driver.pendingMeters();
    const adopted = dlt645Devices(b).map((r) => r.info.id);
    expect(adopted).toHaveLength(2);
    expect(await b.hub.removeDevice(adopted[0]!)).toBe(true);
    await waitFor(() => online(b, waiting!.address), { what: 'the waiting meter adopted', timeoutMs: 20_000 });
    expect(
      dlt645Devices(b)
        .map((r) => r.info.id)
        .sort(),
    ).toEqual([adopted[1], waiting!.address].sort());
    expect(b.driver.pendingMeters()).toEqual([]);
  }, 30_000);

  it('with auto_adopt off, listed meters are adopted and a flood of others is listed, bounded', async () => {
    bridge = await startBridge({ auto_adopt: false, max_connections_per_ip: 500, timeout: 2 }, [{ address: '000000600001' }]);
    const b = bridge;
    await flood(b, 270, 600000);
    await waitFor(() => online(b, '000000600001'), { what: 'the listed meter adopted' });
    await waitFor(() => (b.driver.diagnostics?.().pendingNotListed as number) === 270 - 1 - 256, {
      what: 'the pending list full',
      timeoutMs: 40_000,
    });
    expect(dlt645Devices(b)).toHaveLength(1);
  }, 60_000);

  it('a second DTU announcing a meter that answers on its first DTU is refused with a conflict event; it takes over once the first is gone', async () => {
    bridge = await startBridge();
    const b = bridge;
    const address = '000000000321';
    const first = await dial({ port: b.port, address, localAddress: '127.0.0.2' });
    await waitFor(() => online(b, address), { what: 'online on the first DTU' });
    const second = await dial({ port: b.port, address, localAddress: '127.0.0.3' });
    await waitFor(() => eventsOf(b, address, 'meter_address_conflict').length === 1, { what: 'conflict event' });
    const [conflict] = eventsOf(b, address, 'meter_address_conflict');
    expect(conflict).toMatchObject({ type: 'warning', data: { current: '127.0.0.2', claimant: '127.0.0.3' } });
    expect(b.hub.get(address)?.info.statusExtra).toEqual({ ip: '127.0.0.2' });
    const readsBefore = first.reads;
    await waitFor(() => first.reads > readsBefore + 2, { what: 'still polled on the first DTU' });
    expect(first.isClosed).toBe(false);
    await first.close();
    await waitFor(() => b.hub.get(address)?.info.statusExtra?.ip === '127.0.0.3' && online(b, address), {
      what: 'taken over by the second',
    });
    expect(second.isClosed).toBe(false);
  }, 30_000);

  it('a refused claimant takes over once the first DTU stays connected but stops answering', async () => {
    bridge = await startBridge();
    const b = bridge;
    const address = '000000000351';
    const first = await dial({ port: b.port, address, localAddress: '127.0.0.2' });
    await waitFor(() => online(b, address), { what: 'online on the first DTU' });
    const second = await dial({ port: b.port, address, localAddress: '127.0.0.3' });
    await waitFor(() => eventsOf(b, address, 'meter_address_conflict').length === 1, { what: 'conflict event' });
    first.answering = false;
    await waitFor(() => b.hub.get(address)?.info.statusExtra?.ip === '127.0.0.3' && online(b, address), {
      what: 'taken over by the second',
      timeoutMs: 25_000,
    });
    await first.closed;
    expect(second.isClosed).toBe(false);
  }, 30_000);

  it('a claimant takes over when the first DTU stops answering (dead link), and the old connection is closed', async () => {
    bridge = await startBridge();
    const b = bridge;
    const address = '000000000331';
    const first = await dial({ port: b.port, address, localAddress: '127.0.0.2' });
    await waitFor(() => online(b, address), { what: 'online on the first DTU' });
    first.answering = false;
    await dial({ port: b.port, address, localAddress: '127.0.0.3' });
    await first.closed;
    await waitFor(() => b.hub.get(address)?.info.statusExtra?.ip === '127.0.0.3' && online(b, address), { what: 'moved to the second' });
    expect(eventsOf(b, address, 'meter_address_conflict')).toEqual([]);
  }, 30_000);

  it('never gives a pinned meter to another DTU (IP or registration), with a warning event', async () => {
    bridge = await startBridge({}, [
      { address: '000000000341', dtu_ip: '127.0.0.2' },
      { address: '000000000342', dtu_registration: '860000000000342' },
    ]);
    const b = bridge;
    const wrongHost = await dial({ port: b.port, address: '000000000341', localAddress: '127.0.0.3' });
    const wrongId = await dial({ port: b.port, address: '000000000342', localAddress: '127.0.0.3', registration: '860000000000999' });
    await waitFor(() => eventsOf(b, '000000000341', 'meter_dtu_mismatch').length === 1, { what: 'IP pin event' });
    await waitFor(() => eventsOf(b, '000000000342', 'meter_dtu_mismatch').length === 1, { what: 'registration pin event' });
    expect(wrongHost.reads + wrongId.reads).toBe(0);
    await dial({ port: b.port, address: '000000000341', localAddress: '127.0.0.2' });
    await dial({ port: b.port, address: '000000000342', localAddress: '127.0.0.3', registration: '860000000000342' });
    await waitFor(() => online(b, '000000000341') && online(b, '000000000342'), { what: 'both on their own DTUs' });
  });
});
