/**
 * Watches the bridge child process for what must fail a chaos run or a soak: its exit, a
 * fatal line (an exception that escaped every device session) and a device session's
 * internal error caught by its boundary (a bug, even though the other devices went on).
 */
import type { ChildProcess } from 'node:child_process';
import { FATAL_MARK } from '../server/fatal.ts';
import { SESSION_FAULT_FIELD } from '../server/core/sessionBoundary.ts';

/** Output kept for the failure report; every line is still scanned. */
const KEEP_CHARS = 50_000;
/** A longer "line" is not one of pino's and is not parsed. */
const MAX_LINE_CHARS = 64_000;
const MAX_PROBLEMS = 20;

export interface BridgeWatch {
  exitCode(): number | null;
  output(): string;
  /** Fatal lines and session faults seen in the log, in order (at most 20). */
  problems(): string[];
  /** What the run's failures list gets: the exit with its reason, and each problem. */
  failures(): string[];
}

export function watchBridge(child: ChildProcess): BridgeWatch {
  let output = '';
  let partial = '';
  let code: number | null = null;
  const problems: string[] = [];
  const note = (text: string) => {
    if (problems.length < MAX_PROBLEMS) problems.push(text);
  };
  const scan = (line: string) => {
    if (!line.includes(FATAL_MARK) && !line.includes(SESSION_FAULT_FIELD)) return;
    let rec: { level?: number; msg?: string; stack?: string; [SESSION_FAULT_FIELD]?: boolean };
    try {
      rec = JSON.parse(line);
    } catch {
      if (line.includes(FATAL_MARK)) note(`fatal: ${line.slice(0, 2000)}`);
      return;
    }
    if ((rec.level ?? 0) >= 60) note(`fatal: ${rec.msg}`);
    else if (rec[SESSION_FAULT_FIELD]) note(`device session fault: ${rec.msg}\n${rec.stack ?? ''}`);
  };
  const feed = (d: Buffer) => {
    const text = d.toString();
    output = (output + text).slice(-KEEP_CHARS);
    const lines = (partial + text).split('\n');
    partial = lines.pop() ?? '';
    if (partial.length > MAX_LINE_CHARS) partial = '';
    for (const line of lines) scan(line);
  };
  child.stdout?.on('data', feed);
  child.stderr?.on('data', feed);
  child.on('exit', (c, signal) => (code = c ?? (signal ? 128 : 0)));
  return {
    exitCode: () => code,
    output: () => output,
    problems: () => [...problems],
    failures: () => {
      const out: string[] = [];
      if (code !== null) {
        const fatal = problems.find((p) => p.startsWith('fatal: '));
        out.push(`the bridge process exited with ${code}${fatal ? ` after ${fatal}` : ''}:\n${output.slice(-3000)}`);
      }
      out.push(...problems.filter((p) => code === null || !p.startsWith('fatal: ')));
      return out;
    },
  };
}
