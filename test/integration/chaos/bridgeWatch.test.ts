/**
 * The chaos harness's watch on the bridge child: an escaped exception (exit 1 and a fatal
 * line) and a session fault caught by a boundary both end up in the run's failures.
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { watchBridge } from '../../../bench/bridgeWatch.ts';
import { waitFor } from '../../support/ports.ts';

describe('the chaos harness watching the bridge', () => {
  it('names an escaped exception and a caught session fault as failures', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/process/faultingBridge.ts'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const watch = watchBridge(child);
    await waitFor(() => watch.exitCode() !== null, { timeoutMs: 30_000, what: 'the child to exit' });
    const failures = watch.failures();
    expect(failures).toHaveLength(2);
    expect(failures[0]).toMatch(/^the bridge process exited with 1 after fatal: .*TypeError: escaped every boundary/);
    expect(failures[1]).toMatch(/^device session fault: Test session \(Garage meter\): internal error: caught by the boundary/);
    expect(failures[1]).toContain('faultingBridge.ts');
    expect(watch.problems().join('\n')).not.toContain('an ordinary error line');
  }, 40_000);

  it('reports nothing for a bridge that runs without internal errors', async () => {
    const child = spawn(
      process.execPath,
      ['-e', 'console.log(JSON.stringify({ level: 50, msg: "device unreachable" })); setInterval(() => {}, 1000)'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const watch = watchBridge(child);
    await waitFor(() => watch.output().includes('device unreachable'), { timeoutMs: 30_000, what: 'its first line' });
    expect(watch.failures()).toEqual([]);
    child.kill('SIGKILL');
  }, 40_000);
});
