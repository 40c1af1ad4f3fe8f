import { Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger, LogRing } from '../../../server/core/logger.ts';
import { RepeatedWarnings } from '../../../server/core/repeatedWarnings.ts';

function capture() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      for (const l of String(chunk).split('\n')) if (l) lines.push((JSON.parse(l) as { msg: string }).msg);
      cb();
    },
  });
  const ring = new LogRing(50);
  return { lines, ring, log: createLogger('info', sink, ring) };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('RepeatedWarnings', () => {
  it('logs the first warning per source and sums up the rest of the minute in one line', () => {
    vi.useFakeTimers();
    const { lines, log } = capture();
    const warnings = new RepeatedWarnings(log);
    for (let i = 0; i < 5000; i++) warnings.warn('127.0.0.2', `refused web request from 127.0.0.2 (#${i})`);
    warnings.warn('127.0.0.3', 'refused web request from 127.0.0.3');
    expect(lines).toEqual(['refused web request from 127.0.0.2 (#0)', 'refused web request from 127.0.0.3']);
    vi.advanceTimersByTime(60_000);
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('refused web request from 127.0.0.2 (#1) (repeated 4999 more times in the last minute)');
    warnings.warn('127.0.0.2', 'again');
    expect(lines.at(-1)).toBe('again');
  });

  it('keeps the in-memory ring for other lines during a flood', () => {
    vi.useFakeTimers();
    const { ring, log } = capture();
    log.info('bridge started');
    const warnings = new RepeatedWarnings(log);
    for (let i = 0; i < 5000; i++) warnings.warn('flood', 'garbage on the dial-in port');
    expect(ring.recent().map((l) => l.msg)).toEqual(['bridge started', 'garbage on the dial-in port']);
  });

  it('tracks a bounded number of sources; the rest share one line', () => {
    vi.useFakeTimers();
    const { lines, log } = capture();
    const warnings = new RepeatedWarnings(log, { maxSources: 3 });
    for (let i = 0; i < 1000; i++) warnings.warn(`10.0.0.${i}`, `refused ${i}`);
    expect(lines).toEqual(['refused 0', 'refused 1', 'refused 2', 'refused 3 (and from other sources)']);
    warnings.stop();
    expect(lines.at(-1)).toBe('refused 4 (repeated 996 more times in the last minute)');
  });
});
