import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KeepaliveScheduler, type KeepaliveTiming } from '../../../server/drivers/victron/keepalive.ts';
import type { KeepaliveRequest } from '../../../server/protocols/victron/payload.ts';

const TIMING: KeepaliveTiming = { keepaliveMs: 30_000, fullRefreshEvery: 6, heartbeatTimeoutMs: 10_000, silenceTimeoutMs: 65_000 };
const FILTERS = ['system/0/Dc/Battery/Soc', 'battery/+/Soc'];

function scheduler() {
  const sent: KeepaliveRequest[] = [];
  const log: string[] = [];
  const ka = new KeepaliveScheduler(TIMING, FILTERS, {
    send: (r) => sent.push(r),
    readSerial: () => log.push('read serial'),
    lapsed: (reason) => log.push(`lapsed: ${reason}`),
    recovered: () => log.push('recovered'),
    stuck: () => log.push('stuck'),
    changed: () => log.push('changed'),
  });
  return { ka, sent, log };
}

describe('keep-alive scheduler', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('flashmq: plain first, then suppress-republish every 30 s with a full refresh every 6th', () => {
    const { ka, sent } = scheduler();
    ka.connected();
    expect(sent).toEqual([{ kind: 'full' }]);
    ka.fullPublishCompleted();
    expect(ka.generation).toBe('flashmq');
    for (let t = 0; t < 6 * 30_000; t += 3000) {
      vi.advanceTimersByTime(3000);
      ka.heartbeat();
    }
    const kinds = sent.slice(1).map((r) => r.kind);
    expect(kinds.slice(0, 6)).toEqual(['suppress', 'suppress', 'suppress', 'suppress', 'suppress', 'echo']);
    expect(ka.lapsed).toBe(false);
    ka.stop();
  });

  it('dbus-mqtt with the presence flag: sends the selective topic list', () => {
    const { ka, sent } = scheduler();
    ka.connected();
    ka.presenceFlag();
    ka.data();
    vi.advanceTimersByTime(30_000);
    expect(ka.generation).toBe('dbus-mqtt');
    expect(sent.at(-1)).toEqual({ kind: 'topics', filters: FILTERS });
    ka.stop();
  });

  it('old dbus-mqtt (data, no heartbeat, no flag) keeps the plain keep-alive', () => {
    const { ka, sent } = scheduler();
    ka.connected();
    ka.data();
    for (let t = 0; t < 60_000; t += 5000) {
      vi.advanceTimersByTime(5000);
      ka.data();
    }
    expect(ka.generation).toBe('dbus-mqtt');
    expect(sent.every((r) => r.kind === 'full')).toBe(true);
    expect(ka.lapsed).toBe(false);
    ka.stop();
  });

  it('a missing heartbeat is a lapse: full keep-alive at once, recovered by the next heartbeat', () => {
    const { ka, sent, log } = scheduler();
    ka.connected();
    ka.heartbeat();
    vi.advanceTimersByTime(TIMING.heartbeatTimeoutMs + 3000);
    expect(ka.lapsed).toBe(true);
    expect(log.some((l) => l.startsWith('lapsed: no heartbeat'))).toBe(true);
    expect(sent.at(-1)?.kind).toBe('echo');
    ka.heartbeat();
    expect(ka.lapsed).toBe(false);
    expect(ka.stats.lapsesRecovered).toBe(1);
    expect(log).toContain('recovered');
    ka.stop();
  });

  it('reports the link stuck when keep-alives do not bring the GX back', () => {
    const { ka, log } = scheduler();
    ka.connected();
    ka.heartbeat();
    vi.advanceTimersByTime(5 * TIMING.heartbeatTimeoutMs);
    expect(log).toContain('stuck');
    ka.stop();
  });

  it('dbus-mqtt: a serial read follows each keep-alive; answered, the GX is alive however quiet it is', () => {
    const { ka, log } = scheduler();
    ka.connected();
    ka.presenceFlag();
    for (let i = 0; i < 10; i++) {
      vi.advanceTimersByTime(TIMING.keepaliveMs);
      ka.serial();
    }
    expect(log.filter((l) => l === 'read serial')).toHaveLength(10);
    expect(ka.stats.lapses).toBe(0);
    ka.stop();
  });

  it('dbus-mqtt: a serial read unanswered for the timeout is a lapse answered with the topic list; the answer recovers it', () => {
    const { ka, sent, log } = scheduler();
    ka.connected();
    ka.presenceFlag();
    vi.advanceTimersByTime(TIMING.keepaliveMs);
    ka.serial();
    vi.advanceTimersByTime(TIMING.keepaliveMs);
    // Values still arrive (retained ones, a service's own changes): no proof the keep-alive got through.
    ka.data();
    vi.advanceTimersByTime(TIMING.heartbeatTimeoutMs * 1.5);
    expect(ka.stats.lapses).toBe(1);
    expect(log.find((l) => l.startsWith('lapsed'))).toMatch(/^lapsed: the serial read after a keep-alive unanswered for 1\d s$/);
    expect(sent.at(-1)).toEqual({ kind: 'topics', filters: FILTERS });
    ka.serial();
    expect(ka.stats.lapsesRecovered).toBe(1);
    ka.stop();
  });

  it('keeps every path alive after a full keep-alive, only the listed ones after a topic list', () => {
    const { ka } = scheduler();
    ka.connected();
    expect(ka.keepsAlive('vebus/276/Mgmt/ProcessName')).toBe(true);
    ka.presenceFlag();
    vi.advanceTimersByTime(TIMING.keepaliveMs);
    expect(ka.keepsAlive('battery/512/Soc')).toBe(true);
    expect(ka.keepsAlive('battery/512/Mgmt/ProcessName')).toBe(false);
    ka.stop();
  });

  it('starts over on reconnect and sends nothing while disconnected', () => {
    const { ka, sent } = scheduler();
    ka.connected();
    ka.heartbeat();
    ka.disconnected();
    const n = sent.length;
    vi.advanceTimersByTime(120_000);
    expect(sent).toHaveLength(n);
    ka.connected();
    expect(ka.generation).toBe('unknown');
    expect(sent.at(-1)).toEqual({ kind: 'full' });
    ka.stop();
  });
});
