/**
 * dbus-flashmq answers a suppress-republish keep-alive with no republish even when its
 * keep-alive had timed out (state.cpp handle_keepalive), so a GX revived that way before the
 * bridge noticed the missing heartbeats never sends the changes it held back: heartbeats that
 * resume after a gap ask for a full republish.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KeepaliveScheduler, type KeepaliveTiming } from '../../../server/drivers/victron/keepalive.ts';
import type { KeepaliveRequest } from '../../../server/protocols/victron/payload.ts';

const TIMING: KeepaliveTiming = { keepaliveMs: 30_000, fullRefreshEvery: 6, heartbeatTimeoutMs: 10_000, silenceTimeoutMs: 65_000 };

function scheduler() {
  const sent: KeepaliveRequest[] = [];
  const log: string[] = [];
  const ka = new KeepaliveScheduler(TIMING, [], {
    send: (r) => sent.push(r),
    readSerial: () => undefined,
    lapsed: () => log.push('lapsed'),
    recovered: () => log.push('recovered'),
    stuck: () => log.push('stuck'),
    changed: () => undefined,
  });
  return { ka, sent, log };
}

describe('keep-alive scheduler: heartbeats resuming after a gap', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('asks for a full republish when heartbeats resume after a gap shorter than the lapse timeout', () => {
    const { ka, sent, log } = scheduler();
    ka.connected();
    ka.fullPublishCompleted();
    vi.advanceTimersByTime(3000);
    ka.heartbeat();
    const before = sent.length;
    vi.advanceTimersByTime(9000);
    ka.heartbeat();
    expect(log).toEqual([]);
    expect(sent.slice(before).map((r) => r.kind)).toEqual(['echo']);
    ka.stop();
  });

  it('regular heartbeats ask for nothing', () => {
    const { ka, sent } = scheduler();
    ka.connected();
    ka.fullPublishCompleted();
    const before = sent.length;
    for (let t = 0; t < 27_000; t += 3000) {
      vi.advanceTimersByTime(3000);
      ka.heartbeat();
    }
    expect(sent.slice(before)).toEqual([]);
    ka.stop();
  });
});
