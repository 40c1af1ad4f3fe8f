import { afterEach, describe, expect, it, vi } from 'vitest';
import { runSimCli } from '../../../server/sim/dlt645/cli.ts';

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

describe('wattwire sim dlt645', () => {
  it('prints its usage with --help', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    await runSimCli(['--help']);
    expect(log.mock.calls[0]![0]).toMatch(/--meters N/);
    expect(process.exitCode).toBeUndefined();
  });

  it('needs --port', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    await runSimCli(['--meters', '2']);
    expect(process.exitCode).toBe(2);
  });

  it('names the flag with a bad number', async () => {
    await expect(runSimCli(['--port', '9000', '--meters', 'many'])).rejects.toThrow('--meters: "many" is not a non-negative number');
  });
});
