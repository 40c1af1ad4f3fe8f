/**
 * A bug in one meter's session (its poll, or the data handler of its DTU connection) takes
 * only that meter down: it goes `fault` with the reason, is logged once with its name, and
 * comes back after the boundary's backoff while the other meter keeps publishing.
 */
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Hub } from '../../../server/core/hub.ts';
import { createLogger } from '../../../server/core/logger.ts';
import { createDlt645Driver, type Dlt645Driver } from '../../../server/drivers/dlt645/driver.ts';
import { Dlt645Link } from '../../../server/drivers/dlt645/link.ts';
import { MeterSession } from '../../../server/drivers/dlt645/meter.ts';
import { optionsSchema } from '../../../server/options/schema.ts';
import { startDlt645Sim, type Dlt645Sim } from '../../../server/sim/dlt645/tcpSim.ts';
import { freePort, waitFor } from '../../support/ports.ts';

const A = '000000000021';
const B = '000000000022';

let driver: Dlt645Driver | undefined;
let sim: Dlt645Sim | undefined;

afterEach(async () => {
  vi.restoreAllMocks();
  await sim?.stop();
  await driver?.stop();
  sim = undefined;
  driver = undefined;
});

async function start() {
  const port = await freePort();
  const hub = new Hub();
  const lines: { level: number; msg: string }[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      for (const l of String(chunk).split('\n')) if (l) lines.push(JSON.parse(l) as { level: number; msg: string });
      cb();
    },
  });
  const options = optionsSchema.parse({
    dlt645: { listen_port: port, poll_interval: 1, timeout: 1, retries: 1 },
    dlt645_meters: [
      { address: A, name: 'Garage meter' },
      { address: B, name: 'House meter' },
    ],
  });
  driver = createDlt645Driver({ hub, log: createLogger('info', sink), options, dataDir: '/tmp', reportConfigError: () => undefined });
  await driver.start();
  sim = startDlt645Sim({ port, addresses: [A, B], silentShare: 0, registrationShare: 0, heartbeat: '', reconnectMs: 200 });
  await waitFor(() => hub.get(A)?.status.availability === 'online' && hub.get(B)?.status.availability === 'online', {
    timeoutMs: 20_000,
    what: 'both meters online',
  });
  return { hub, lines };
}

/** Watches every status the hub gives `id`, so a short-lived `fault` is not missed between polls. */
function statuses(hub: Hub, id: string): { availability: string; reason?: string }[] {
  const seen: { availability: string; reason?: string }[] = [];
  hub.on('status', (rec) => {
    if (rec.info.id === id) seen.push({ availability: rec.status.availability, reason: rec.status.reason });
  });
  return seen;
}

describe('DL/T 645 session boundary', () => {
  it('a poll that hits a bug faults only its meter, which is restarted after the backoff', async () => {
    const { hub, lines } = await start();
    const seenA = statuses(hub, A);
    const seenB = statuses(hub, B);
    const readingsB = () => hub.get(B)?.counters.readings ?? 0;
    const pollOnce = Reflect.get(MeterSession.prototype, 'pollOnce') as (this: MeterSession) => Promise<void>;
    let thrown = 0;
    vi.spyOn(MeterSession.prototype as unknown as { pollOnce: () => Promise<void> }, 'pollOnce').mockImplementation(function (
      this: MeterSession,
    ) {
      if (this.address === A && thrown === 0) {
        thrown++;
        throw new TypeError("Cannot read properties of undefined (reading 'format')");
      }
      return pollOnce.call(this);
    });
    await waitFor(() => seenA.some((s) => s.availability === 'fault'), { timeoutMs: 20_000, what: 'meter A in fault' });
    expect(seenA.find((s) => s.availability === 'fault')?.reason).toBe(
      "internal error: Cannot read properties of undefined (reading 'format')",
    );
    const faultLines = lines.filter((l) => l.level === 50 && l.msg.includes('internal error'));
    expect(faultLines).toHaveLength(1);
    expect(faultLines[0]!.msg).toContain('Garage meter');
    const before = readingsB();
    await waitFor(() => hub.get(A)?.status.availability === 'online', { timeoutMs: 20_000, what: 'meter A back online' });
    await waitFor(() => readingsB() > before, { timeoutMs: 20_000, what: 'meter B still publishing' });
    expect(seenB.filter((s) => s.availability !== 'online')).toEqual([]);
  }, 60_000);

  it('a throw in the data handler of one DTU connection faults its meter, not the process', async () => {
    const { hub, lines } = await start();
    const seenA = statuses(hub, A);
    const seenB = statuses(hub, B);
    const receive = Dlt645Link.prototype.receive;
    let thrown = 0;
    vi.spyOn(Dlt645Link.prototype, 'receive').mockImplementation(function (this: Dlt645Link, chunk: Uint8Array) {
      const onA = (hub.get(A)?.diagnostics.link as string | undefined) === this.name;
      if (onA && thrown === 0) {
        thrown++;
        throw new RangeError('offset is outside the bounds of the DataView');
      }
      receive.call(this, chunk);
    });
    await waitFor(() => seenA.some((s) => s.availability === 'fault'), { timeoutMs: 20_000, what: 'meter A in fault' });
    expect(seenA.find((s) => s.availability === 'fault')?.reason).toBe('internal error: offset is outside the bounds of the DataView');
    expect(lines.filter((l) => l.level === 50 && l.msg.includes('Garage meter'))).toHaveLength(1);
    await waitFor(() => hub.get(A)?.status.availability === 'online', { timeoutMs: 20_000, what: 'meter A back online' });
    expect(seenB.filter((s) => s.availability !== 'online')).toEqual([]);
  }, 60_000);
});
