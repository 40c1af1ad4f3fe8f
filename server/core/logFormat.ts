/**
 * The add-on log as people read it in the Log tab: one line per record,
 * `[12:00:01] INFO: Garage PIKO: login rejected (remote 10.0.0.5)`. pino still produces
 * its JSON record (the ring and `log_format: json` keep that); this stream turns each
 * record into text and writes it synchronously, so a fatal line is out before the exit.
 */

export type LogFormat = 'text' | 'json';

const LEVEL_WORDS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARNING', 50: 'ERROR', 60: 'FATAL' };

/** Fields the line shows otherwise (time, level, message, the device prefix). */
const SHOWN_APART = new Set(['time', 'level', 'msg', 'device']);

/** A field's value is shortened past this: the line stays one glance long. */
const FIELD_LIMIT = 120;

const pad = (n: number) => String(n).padStart(2, '0');

function clock(time: unknown): string {
  const at = new Date(typeof time === 'number' ? time : Date.now());
  return `${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}`;
}

const isControl = (code: number) => code < 0x20 || code === 0x7f;

/**
 * Control characters from a device or the network would otherwise start a forged line or
 * move the terminal's cursor: a line break is kept only indented under its record (a stack
 * reads as one), the others are shown as `\xNN`.
 */
function clean(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x0a) out += '\n  ';
    else if (code === 0x0d && text.charCodeAt(i + 1) === 0x0a) continue;
    else if (isControl(code)) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += text[i];
  }
  return out;
}

function brief(value: unknown): string {
  let text: string;
  if (typeof value === 'string') text = value;
  else if (value !== null && typeof value === 'object' && typeof (value as { message?: unknown }).message === 'string')
    text = (value as { message: string }).message;
  else text = JSON.stringify(value) ?? String(value);
  const cut = text.length > FIELD_LIMIT ? `${text.slice(0, FIELD_LIMIT)}…` : text;
  let single = '';
  for (let i = 0; i < cut.length; i++) single += isControl(cut.charCodeAt(i)) ? ' ' : cut[i];
  return single;
}

/** One pino record as a readable line (without the line break). */
export function formatLogRecord(record: Record<string, unknown>): string {
  const level = LEVEL_WORDS[record.level as number] ?? String(record.level);
  const device = typeof record.device === 'string' && record.device !== '' ? `${brief(record.device)}: ` : '';
  const fields = Object.entries(record)
    .filter(([key, value]) => !SHOWN_APART.has(key) && value !== undefined && !(key === 'driver' && device))
    .map(([key, value]) => `${key} ${brief(value)}`);
  const extra = fields.length > 0 ? ` (${fields.join(', ')})` : '';
  return `[${clock(record.time)}] ${level}: ${device}${clean(String(record.msg ?? ''))}${extra}`;
}

/** A pino destination that writes each record as text to `out`. */
export class TextLogStream {
  constructor(private readonly out: NodeJS.WritableStream) {}

  write(chunk: string): boolean {
    let text = '';
    for (const line of chunk.split('\n')) {
      if (!line) continue;
      try {
        text += `${formatLogRecord(JSON.parse(line) as Record<string, unknown>)}\n`;
      } catch {
        // pino writes only its own JSON here; anything else goes out as it came.
        text += `${line}\n`;
      }
    }
    return this.out.write(text);
  }
}
