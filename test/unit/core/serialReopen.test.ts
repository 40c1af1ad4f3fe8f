import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PORT_CHECK_MS, SerialReopen } from '../../../server/core/serialReopen.ts';

// A plain file stands in for the device node: SerialReopen only asks whether the path exists.
let dir: string;
let port: string;
beforeEach(() => {
  vi.useFakeTimers();
  dir = mkdtempSync(path.join(tmpdir(), 'reopen-'));
  port = path.join(dir, 'ttyUSB0');
});
afterEach(() => {
  vi.useRealTimers();
  rmSync(dir, { recursive: true, force: true });
});

const noJitter = { initialMs: 1000, maxMs: 30_000, jitter: 0 };

describe('SerialReopen', () => {
  it('backs off exponentially while the port exists but fails, and starts over once it opened', () => {
    writeFileSync(port, '');
    const r = new SerialReopen(port, noJitter);
    const delays = [0, 1, 2, 3].map(() => {
      const plan = r.schedule(() => undefined);
      return plan.kind === 'backoff' ? plan.delayMs : -1;
    });
    expect(delays).toEqual([1000, 2000, 4000, 8000]);
    r.opened();
    expect(r.schedule(() => undefined)).toEqual({ kind: 'backoff', delayMs: 1000 });
    r.cancel();
  });

  it('watches a missing port and reopens within a check of its return, however long it was gone', () => {
    const r = new SerialReopen(port, noJitter);
    const reopen = vi.fn();
    expect(r.schedule(reopen)).toEqual({ kind: 'port-gone', firstNotice: true });
    expect(r.portGone).toBe(true);
    vi.advanceTimersByTime(10 * 60_000);
    expect(reopen).not.toHaveBeenCalled();
    expect(r.pending).toBe(true);

    writeFileSync(port, '');
    vi.advanceTimersByTime(PORT_CHECK_MS);
    expect(reopen).toHaveBeenCalledTimes(1);
    expect(r.pending).toBe(false);
    // The outage did not grow the backoff: a failing open right after the return retries soon.
    expect(r.schedule(() => undefined)).toEqual({ kind: 'backoff', delayMs: 1000 });
    r.cancel();
  });

  it('tells the caller once per outage that the port is gone', () => {
    const r = new SerialReopen(port, noJitter);
    const notices = [0, 1, 2].map(() => {
      const plan = r.schedule(() => undefined);
      return plan.kind === 'port-gone' && plan.firstNotice;
    });
    expect(notices).toEqual([true, false, false]);
    r.opened();
    expect(r.portGone).toBe(false);
    expect(r.schedule(() => undefined)).toEqual({ kind: 'port-gone', firstNotice: true });
    r.cancel();
  });

  it('a cancelled plan never runs, and a new plan replaces the pending one', () => {
    writeFileSync(port, '');
    const r = new SerialReopen(port, noJitter);
    const first = vi.fn();
    const second = vi.fn();
    r.schedule(first);
    r.schedule(second);
    vi.advanceTimersByTime(60_000);
    expect(first).not.toHaveBeenCalled();
    expect(second).toHaveBeenCalledTimes(1);

    const third = vi.fn();
    r.schedule(third);
    r.cancel();
    vi.advanceTimersByTime(60_000);
    expect(third).not.toHaveBeenCalled();
    expect(r.pending).toBe(false);
  });
});
