/** The list of unknown DLMS system titles: bounded in size and in new entries a minute, expiring, one warning a minute. */
import { Writable } from 'node:stream';
import { afterEach, expect, it, vi } from 'vitest';
import { createLogger } from '../../../server/core/logger.ts';
import { UnknownMeters } from '../../../server/drivers/dlms/unknownMeters.ts';

function capture() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      for (const l of String(chunk).split('\n')) if (l) lines.push((JSON.parse(l) as { msg: string }).msg);
      cb();
    },
  });
  return { lines, log: createLogger('info', sink) };
}

const title = (i: number) => `4B464D${i.toString(16).toUpperCase().padStart(10, '0')}`;

afterEach(() => {
  vi.useRealTimers();
});

it('lists at most max_meters titles, at most adopt_per_minute new ones a minute, and forgets them after an hour unseen', () => {
  vi.useFakeTimers();
  const { lines, log } = capture();
  const unknown = new UnknownMeters(log, { maxMeters: 4, perMinute: 3 });
  const t0 = 1_000_000;
  for (let i = 0; i < 10_000; i++) unknown.seen(title(i), '127.0.0.2', t0);
  expect(unknown.list(t0)).toHaveLength(3);
  // A minute later one more fits the list (4), then it is full.
  for (let i = 100; i < 110; i++) unknown.seen(title(i), '127.0.0.3', t0 + 60_000);
  expect(unknown.list(t0 + 60_000).map((e) => e.systemTitle)).toEqual([title(0), title(1), title(2), title(100)]);
  // Seen again: kept; the others expire an hour after they were last seen.
  unknown.seen(title(100), '127.0.0.3', t0 + 3_000_000);
  expect(unknown.list(t0 + 3_700_000).map((e) => e.systemTitle)).toEqual([title(100)]);
  expect(unknown.list(t0 + 3_700_000)[0]).toMatchObject({ ip: '127.0.0.3', telegrams: 2 });
  // One line at once; the flood of the first minute is one summary line counting it.
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(
    /^DLMS telegrams from 1 system title\(s\) that are not configured \(latest 4B464D0000000000 from 127\.0\.0\.2\)/,
  );
  vi.advanceTimersByTime(60_000);
  expect(lines).toHaveLength(2);
  expect(lines[1]).toMatch(/not configured .*\(repeated 10009 more times in the last minute\)$/);
  unknown.stop();
});
