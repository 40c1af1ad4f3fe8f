import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { waitFor } from '../../support/ports.ts';

/** Every flag each simulator takes, as a user would look for it in `--help`. */
const FLAGS: Record<string, string[]> = {
  kostal: [
    'port',
    'host',
    'generation',
    'layout',
    'page',
    'user',
    'password',
    'night',
    'hour',
    'day-seconds',
    'start-hour',
    'fault',
    'slow-ms',
  ],
  itron: ['port', 'host', 'register', 'register-cert', 'any', 'refusal', 'hang', 'tou', 'no-mdns', 'cert', 'key'],
  victron: ['port', 'host', 'generation', 'portal-id', 'keepalive-timeout', 'heartbeat', 'username', 'password'],
  xtender: ['path', 'devices', 'baud', 'latency-ms', 'drop-out', 'drop-after'],
  dlt645: [
    'port',
    'host',
    'meters',
    'first-address',
    'silent-share',
    'registration-share',
    'prefix-share',
    'heartbeat',
    'heartbeat-ms',
    'slow-ms',
    'error-share',
    'drop-every-ms',
    'garbage-every-ms',
    'time-scale',
  ],
  dlms: [
    'push-to',
    'serial',
    'framing',
    'security',
    'system-title',
    'key',
    'auth-key',
    'interval',
    'fault',
    'get-port',
    'password',
    'ldn',
    'ivy-dial',
    'ivy-address',
    'ivy-push',
  ],
};

const CLI: Record<string, () => Promise<{ runSimCli(argv: string[]): Promise<void> }>> = {
  kostal: () => import('../../../server/sim/kostal/cli.ts'),
  itron: () => import('../../../server/sim/itron/cli.ts'),
  victron: () => import('../../../server/sim/victron/cli.ts'),
  xtender: () => import('../../../server/sim/xtender/cli.ts'),
  dlt645: () => import('../../../server/sim/dlt645/cli.ts'),
  dlms: () => import('../../../server/sim/dlms/cli.ts'),
};

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

/** Runs `node --import tsx server/cli.ts …` until `done` holds for its output or it exits. */
function cli(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/cli.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const run = { out: '', code: undefined as number | null | undefined, child };
  child.stdout.on('data', (d) => (run.out += String(d)));
  child.stderr.on('data', (d) => (run.out += String(d)));
  child.once('exit', (code) => (run.code = code));
  return run;
}

describe('wattwire sim <kind> --help', () => {
  it.each(Object.keys(FLAGS))('%s prints each of its flags on a line of its own and ends normally', async (kind) => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    await (await CLI[kind]!()).runSimCli(['--help']);
    expect(process.exitCode).toBeUndefined();
    const lines = log.mock.calls
      .map((c) => String(c[0]))
      .join('\n')
      .split('\n');
    expect(lines[0]).toBe(`usage: wattwire sim ${kind} [flags]`);
    for (const flag of [...FLAGS[kind]!, 'help']) {
      expect(
        lines.filter((l) => new RegExp(`^\\s+(-h, )?--${flag}( \\S+)?\\s{2,}\\S`).test(l)),
        `--${flag}`,
      ).toHaveLength(1);
    }
  });

  it('exits 0 through the wattwire command', async () => {
    const run = cli(['sim', 'kostal', '--help']);
    await waitFor(() => run.code !== undefined, { timeoutMs: 30_000, what: 'wattwire sim kostal --help to exit' });
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/^ {2}--night refused\|placeholders {2}/m);
  });

  it('points an unknown flag at --help', async () => {
    await expect((await CLI.victron!()).runSimCli(['--bogus'])).rejects.toThrow(
      "Unknown option '--bogus' (see wattwire sim victron --help)",
    );
  });
});

describe('the Kostal simulator at start', () => {
  it('says that it refuses every connection when it starts at night', async () => {
    const run = cli(['sim', 'kostal', '--port', '0', '--hour', '23']);
    try {
      await waitFor(() => run.out.includes('starts at hour'), { timeoutMs: 30_000, what: `the start state (output: ${run.out})` });
      expect(run.out).toMatch(
        /starts at hour 23: night, every connection refused; at night \(22:00-05:00\): every connection refused; fault: none/,
      );
    } finally {
      run.child.kill('SIGTERM');
      await waitFor(() => run.code !== undefined, { timeoutMs: 30_000, what: 'the simulator to stop' });
    }
  });
});
