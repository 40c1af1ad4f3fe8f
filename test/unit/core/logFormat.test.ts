/**
 * The add-on log: readable text lines by default (device name first), pino's JSON records
 * with `log_format: json`, secrets redacted in both, and the in-memory ring fed either way.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { Hub } from '../../../server/core/hub.ts';
import type { LogFormat } from '../../../server/core/logFormat.ts';
import { createLogger, LogRing } from '../../../server/core/logger.ts';
import type { Driver } from '../../../server/drivers/types.ts';
import { createKostalDriver } from '../../../server/drivers/kostal/driver.ts';
import { createVictronDriver } from '../../../server/drivers/victron/driver.ts';
import { optionsSchema } from '../../../server/options/schema.ts';
import { freePort, waitFor } from '../../support/ports.ts';

const LINE = /^\[\d{2}:\d{2}:\d{2}\] (TRACE|DEBUG|INFO|WARNING|ERROR|FATAL): \S/;

function capture(format: LogFormat) {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      for (const l of String(chunk).split('\n')) if (l) lines.push(l);
      cb();
    },
  });
  const ring = new LogRing(50);
  return { lines, ring, log: createLogger('info', sink, ring, format) };
}

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

describe('text log format', () => {
  it('writes one line per event: local time, level word, message, bound fields briefly', () => {
    const { lines, log } = capture('text');
    log.info({ remote: '10.0.0.5' }, 'push connection refused');
    log.warn('broker unreachable');
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line).toMatch(LINE);
    expect(lines[0]).toMatch(/^\[\d{2}:\d{2}:\d{2}\] INFO: push connection refused \(remote 10\.0\.0\.5\)$/);
    expect(lines[1]).toMatch(/^\[\d{2}:\d{2}:\d{2}\] WARNING: broker unreachable$/);
  });

  it('prefixes the device name bound to a child logger, without repeating the driver', () => {
    const { lines, log } = capture('text');
    log
      .child({ driver: 'kostal' })
      .child({ device: 'Garage PIKO' })
      .warn({ err: new Error('HTTP 401') }, 'login rejected');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\[\d{2}:\d{2}:\d{2}\] WARNING: Garage PIKO: login rejected \(err HTTP 401\)$/);
  });

  it('keeps a line break from a device inside its own record, never starting a forged line', () => {
    const { lines, log } = capture('text');
    log.info('meter says\n[00:00:00] ERROR: forged\u001b[2J');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toBe('  [00:00:00] ERROR: forged\\x1b[2J');
  });

  it('fills the ring from the structured records, naming the device there too', () => {
    const { ring, log } = capture('text');
    log.child({ device: 'Garage PIKO' }).info('online');
    log.warn('broker unreachable');
    expect(ring.recent()).toEqual([
      { time: expect.any(Number), level: 'info', msg: 'Garage PIKO: online' },
      { time: expect.any(Number), level: 'warning', msg: 'broker unreachable' },
    ]);
  });
});

describe.each(['text', 'json'] as const)('%s log format', (format) => {
  it('never writes a secret', () => {
    const { lines, ring, log } = capture(format);
    log.info({ password: 'hunter2', mqtt: { password: 'hunter3' }, key: 'deadbeef', token: 'tok-1' }, 'login');
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toMatch(/hunter2|hunter3|deadbeef|tok-1/);
    expect(lines[0]).toContain('[redacted]');
    expect(ring.recent()).toHaveLength(1);
  });
});

describe('device sessions name their device', () => {
  async function victronLines(format: LogFormat): Promise<string[]> {
    const { lines, log } = capture(format);
    const port = await freePort();
    // As the app hands a driver its logger: already bound to the driver's kind.
    const driver: Driver = createVictronDriver({
      hub: new Hub(),
      log: log.child({ driver: 'victron' }),
      options: optionsSchema.parse({ victron: [{ host: '127.0.0.2', port, name: 'Boat GX' }] }),
      dataDir: '/tmp',
      reportConfigError: () => undefined,
    });
    cleanup.push(() => driver.stop());
    await driver.start();
    await waitFor(() => lines.length > 0, { timeoutMs: 20_000, what: 'a line from the GX session' });
    return lines;
  }

  it('in text, each line about the GX starts with its name', async () => {
    const lines = await victronLines('text');
    expect(lines[0]).toMatch(/^\[\d{2}:\d{2}:\d{2}\] INFO: Boat GX: connecting to Victron GX \(/);
  });

  it('in JSON, the record has each key once: the driver and the device', async () => {
    const [first] = await victronLines('json');
    expect(first!.match(/"driver":/g)).toHaveLength(1);
    expect(JSON.parse(first!)).toMatchObject({ driver: 'victron', device: 'Boat GX', msg: 'connecting to Victron GX' });
  });

  it('a Kostal inverter that does not answer is named in its line', async () => {
    const { lines, log } = capture('text');
    const port = await freePort();
    const dataDir = mkdtempSync(path.join(tmpdir(), 'ww-logformat-'));
    const driver = createKostalDriver({
      hub: new Hub(),
      log: log.child({ driver: 'kostal' }),
      options: optionsSchema.parse({ kostal: [{ host: `127.0.0.2:${port}`, name: 'Garage PIKO' }] }),
      dataDir,
      reportConfigError: () => undefined,
    });
    cleanup.push(async () => {
      await driver.stop();
      rmSync(dataDir, { recursive: true, force: true });
    });
    await driver.start();
    const line = await waitFor(() => lines.find((l) => l.includes('never answered')), { timeoutMs: 30_000, what: 'the fault line' });
    expect(line).toMatch(/^\[\d{2}:\d{2}:\d{2}\] WARNING: Garage PIKO: Kostal inverter .*: fault \(never answered: /);
  }, 40_000);
});
