/**
 * The real process: an exception or rejection that escapes every device session is logged
 * as fatal with its stack and ends the process with code 1, for s6 to restart the add-on.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FATAL_MARK } from '../../../server/fatal.ts';
import { freePort } from '../../support/ports.ts';

async function runEscaping(mode: 'exception' | 'rejection', logFormat?: 'json'): Promise<{ code: number | null; output: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ww-fatal-'));
  const optionsFile = path.join(dir, 'options.json');
  writeFileSync(optionsFile, JSON.stringify({ log_level: 'info', log_format: logFormat }));
  const proc = spawn(
    process.execPath,
    ['--import', 'tsx', '--import', './test/fixtures/process/escapeOnceStarted.ts', 'server/cli.ts', '--options', optionsFile],
    {
      env: {
        ...process.env,
        WW_TEST_ESCAPE: mode,
        WATTWIRE_DATA_DIR: dir,
        WATTWIRE_HTTP_PORT: String(await freePort()),
        WATTWIRE_MQTT_PORT: String(await freePort()),
        WATTWIRE_MQTT_WS_PORT: String(await freePort()),
        SUPERVISOR_TOKEN: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  proc.stdout.on('data', (d) => (output += d));
  proc.stderr.on('data', (d) => (output += d));
  const code = await new Promise<number | null>((resolve) => proc.once('exit', (c) => resolve(c)));
  return { code, output };
}

function fatalLine(output: string): { level: number; msg: string } | undefined {
  for (const line of output.split('\n')) {
    if (!line.startsWith('{')) continue;
    const rec = JSON.parse(line) as { level: number; msg: string };
    if (rec.level === 60) return rec;
  }
  return undefined;
}

describe('an exception that escapes every device session', () => {
  it('is logged as fatal with its stack and the process exits 1', async () => {
    const { code, output } = await runEscaping('exception', 'json');
    expect(code).toBe(1);
    const line = fatalLine(output);
    expect(line?.msg).toContain(`${FATAL_MARK} (uncaught exception)`);
    expect(line?.msg).toMatch(/TypeError: injected exception outside every session\n\s+at .*escapeOnceStarted\.ts/);
  }, 40_000);

  it('reaches the readable log too, its stack indented under it, before the exit', async () => {
    const { code, output } = await runEscaping('exception');
    expect(code).toBe(1);
    expect(output).toMatch(
      new RegExp(
        `^\\[\\d{2}:\\d{2}:\\d{2}\\] FATAL: ${FATAL_MARK} \\(uncaught exception\\): TypeError: injected exception outside every session\n  \\s*at `,
        'm',
      ),
    );
  }, 40_000);

  it('so is an unhandled rejection', async () => {
    const { code, output } = await runEscaping('rejection', 'json');
    expect(code).toBe(1);
    expect(fatalLine(output)?.msg).toMatch(/\(unhandled rejection\): TypeError: injected rejection outside every session\n\s+at /);
  }, 40_000);
});
