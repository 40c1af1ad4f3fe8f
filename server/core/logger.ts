import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import { type LogFormat, TextLogStream } from './logFormat.ts';

export type { Logger };

/** Keys whose values never reach a log line. */
const REDACT = [
  'password',
  '*.password',
  'key',
  '*.key',
  'privateKey',
  '*.privateKey',
  'keyPem',
  '*.keyPem',
  'token',
  '*.token',
  'encryption_key',
  '*.encryption_key',
  'authentication_key',
  '*.authentication_key',
];

export interface LogLine {
  time: number;
  level: string;
  msg: string;
}

const LEVEL_NAMES: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warning', 50: 'error', 60: 'fatal' };

/** The most recent log lines, for the UI's diagnostics page and the bundle. */
export class LogRing extends Writable {
  private readonly lines: LogLine[] = [];

  constructor(private readonly capacity = 500) {
    super();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    for (const text of chunk.toString().split('\n')) {
      if (!text) continue;
      try {
        const rec = JSON.parse(text) as { time: number; level: number; msg: string; device?: unknown };
        // The panel's log names the device as the add-on log does.
        const msg = typeof rec.device === 'string' ? `${rec.device}: ${rec.msg}` : rec.msg;
        this.lines.push({ time: rec.time, level: LEVEL_NAMES[rec.level] ?? String(rec.level), msg });
        if (this.lines.length > this.capacity) this.lines.shift();
      } catch {
        // Only pino's own JSON lines arrive here.
      }
    }
    done();
  }

  recent(): LogLine[] {
    return [...this.lines];
  }
}

/**
 * `format` is for stdout alone: the ring is always fed pino's JSON records. The default
 * is JSON so that a test's sink reads records; the add-on passes its `log_format`.
 */
export function createLogger(
  level: string,
  destination: NodeJS.WritableStream = process.stdout,
  ring?: LogRing,
  format: LogFormat = 'json',
): Logger {
  const pinoLevel = level === 'warning' ? 'warn' : level;
  const options = { level: pinoLevel, redact: { paths: REDACT, censor: '[redacted]' }, base: undefined };
  const out = format === 'text' ? new TextLogStream(destination) : destination;
  if (!ring) return pino(options, out);
  return pino(
    options,
    pino.multistream([
      { stream: out, level: pinoLevel as pino.Level },
      { stream: ring, level: pinoLevel as pino.Level },
    ]),
  );
}
