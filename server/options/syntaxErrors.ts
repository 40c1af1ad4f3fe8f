/**
 * "line 3, column 5: …" for a broken options file. The parsers' own messages quote the
 * text around the mistake, which may hold a password: only their reason is kept.
 */
import { jsonErrorOffset } from './jsonErrorOffset.ts';

/** 1-based line and column of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

export function describeJsonError(text: string, err: Error): string {
  const stated = /at position (\d+)/.exec(err.message);
  const offset = stated ? Number(stated[1]) : jsonErrorOffset(text);
  const reason = err.message
    .replace(/ in JSON at position \d+.*$/s, '')
    .replace(/, (?:\.\.\.)?".*" is not valid JSON$/s, '')
    .replace(/\n/g, '\\n');
  if (offset < 0) return reason;
  const { line, column } = lineColumn(text, offset);
  return `line ${line}, column ${column}: ${reason}`;
}

export function describeYamlError(err: Error & { linePos?: { line: number; col: number }[] }): string {
  const reason = err.message.replace(/ at line \d+, column \d+:.*$/s, '');
  const at = err.linePos?.[0];
  return at ? `line ${at.line}, column ${at.col}: ${reason}` : reason;
}
