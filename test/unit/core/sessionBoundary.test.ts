import { Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Hub } from '../../../server/core/hub.ts';
import { createLogger } from '../../../server/core/logger.ts';
import { isDefect, SessionBoundary } from '../../../server/core/sessionBoundary.ts';

function capture() {
  const lines: { level: number; msg: string; stack?: string }[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      for (const l of String(chunk).split('\n')) if (l) lines.push(JSON.parse(l) as { level: number; msg: string; stack?: string });
      cb();
    },
  });
  return { lines, log: createLogger('info', sink) };
}

/** A session with one device whose handler is guarded; counts its halts and restarts. */
function session(hub: Hub, log: ReturnType<typeof createLogger>, id: string, name: string) {
  hub.addDevice({ id, kind: 'test', name }, []);
  hub.setStatus(id, 'online');
  const counts = { halts: 0, restarts: 0, handled: 0 };
  const boundary = new SessionBoundary({
    hub,
    log,
    describe: () => `Test session ${id}`,
    devices: () => [id],
    halt: () => void counts.halts++,
    restart: () => {
      counts.restarts++;
      hub.setStatus(id, 'online');
    },
    backoff: { initialMs: 1000, maxMs: 8000, jitter: 0 },
  });
  const onData = boundary.guard((bytes: number[]) => {
    if (bytes.length === 0) throw new TypeError("Cannot read properties of undefined (reading 'length')");
    counts.handled++;
  });
  return { boundary, counts, onData };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('SessionBoundary', () => {
  it('marks the device fault, logs once with its name and stack, restarts after the backoff; others go on', () => {
    vi.useFakeTimers();
    const hub = new Hub();
    const { lines, log } = capture();
    const a = session(hub, log, 'meter_a', 'Garage meter');
    const b = session(hub, log, 'meter_b', 'House meter');

    a.onData([]);
    a.onData([]);
    b.onData([1]);

    expect(hub.get('meter_a')?.status).toMatchObject({
      availability: 'fault',
      reason: "internal error: Cannot read properties of undefined (reading 'length')",
    });
    expect(hub.get('meter_b')?.status.availability).toBe('online');
    expect(b.counts).toEqual({ halts: 0, restarts: 0, handled: 1 });
    const errors = lines.filter((l) => l.level === 50);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.msg).toContain('Test session meter_a (Garage meter): internal error');
    expect(errors[0]!.stack).toMatch(/TypeError: Cannot read properties[\s\S]*sessionBoundary\.test\.ts/);
    expect(a.boundary.faults).toBe(2);
    expect(a.counts).toMatchObject({ halts: 1, restarts: 0 });

    vi.advanceTimersByTime(999);
    expect(a.counts.restarts).toBe(0);
    vi.advanceTimersByTime(1);
    expect(a.counts.restarts).toBe(1);
    expect(hub.get('meter_a')?.status.availability).toBe('online');
    a.onData([1]);
    expect(a.counts.handled).toBe(1);
  });

  it('backs off exponentially up to the cap when the session keeps throwing, and forgets after a stable run', () => {
    vi.useFakeTimers();
    const hub = new Hub();
    const { lines, log } = capture();
    const a = session(hub, log, 'meter_a', 'Garage meter');
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      a.onData([]);
      const before = a.counts.restarts;
      let waited = 0;
      while (a.counts.restarts === before) {
        vi.advanceTimersByTime(100);
        waited += 100;
      }
      delays.push(waited);
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000, 8000, 8000]);
    expect(lines.filter((l) => l.level === 50)).toHaveLength(6);

    vi.advanceTimersByTime(600_000);
    a.onData([]);
    expect(lines.at(-1)?.msg).toContain('restarting in 1 s');
  });

  it('turns a rejected promise chain and a defect in a poll into a fault; an expected poll failure stays the poll loop’s', async () => {
    const hub = new Hub();
    const { log } = capture();
    const a = session(hub, log, 'meter_a', 'Garage meter');
    a.boundary.run(() => Promise.reject(new Error('decoder state lost')));
    await vi.waitFor(() => expect(hub.get('meter_a')?.status.reason).toBe('internal error: decoder state lost'));
    a.boundary.dispose();

    const b = session(hub, log, 'meter_b', 'House meter');
    await expect(b.boundary.poll(() => Promise.reject(new Error('no answer within 1000 ms')))()).rejects.toThrow('no answer');
    expect(b.boundary.isFaulted).toBe(false);
    await b.boundary.poll(() => Promise.reject(new RangeError('offset out of range')))();
    expect(b.boundary.isFaulted).toBe(true);
    expect(hub.get('meter_b')?.status).toMatchObject({ availability: 'fault', reason: 'internal error: offset out of range' });
    b.boundary.dispose();
  });

  it('counts a throw of the restart itself as another fault', () => {
    vi.useFakeTimers();
    const hub = new Hub();
    const { log } = capture();
    hub.addDevice({ id: 'gx', kind: 'test', name: 'GX' }, []);
    let attempts = 0;
    const boundary = new SessionBoundary({
      hub,
      log,
      describe: () => 'GX',
      devices: () => ['gx'],
      halt: () => undefined,
      restart: () => {
        attempts++;
        if (attempts === 1) throw new TypeError('restart failed');
      },
      backoff: { initialMs: 1000, jitter: 0 },
    });
    boundary.fault(new TypeError('first'));
    vi.advanceTimersByTime(1000);
    expect(boundary.lastReason).toBe('internal error: restart failed');
    expect(boundary.isFaulted).toBe(true);
    vi.advanceTimersByTime(2000);
    expect(attempts).toBe(2);
    expect(boundary.isFaulted).toBe(false);
  });

  it('keeps the devices in fault when the session’s own stop marks them offline', async () => {
    const hub = new Hub();
    const { log } = capture();
    hub.addDevice({ id: 'xt_1', kind: 'test', name: 'Inverter 1' }, []);
    const boundary = new SessionBoundary({
      hub,
      log,
      describe: () => 'Xtender link',
      devices: () => ['xt_1'],
      halt: async () => {
        await Promise.resolve();
        hub.setStatus('xt_1', 'offline', 'bridge stopped');
      },
      restart: () => undefined,
    });
    const seen: string[] = [];
    hub.on('status', (rec) => seen.push(rec.status.availability));
    boundary.fault(new TypeError('boom'));
    await vi.waitFor(() => expect(seen).toEqual(['fault', 'offline', 'fault']));
    expect(hub.get('xt_1')?.status).toMatchObject({ availability: 'fault', reason: 'internal error: boom' });
    boundary.dispose();
  });

  it('tells defects from expected failures', () => {
    expect(isDefect(new TypeError('x'))).toBe(true);
    expect(isDefect('a string')).toBe(true);
    expect(isDefect(new Error('timeout'))).toBe(false);
    class LinkClosedError extends Error {}
    expect(isDefect(new LinkClosedError('closed'))).toBe(false);
  });
});
