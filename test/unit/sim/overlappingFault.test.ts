import { describe, expect, it } from 'vitest';
import { overlappingFault } from '../../../server/sim/demoSim.ts';

describe('overlappingFault', () => {
  it('begins on the first injection and ends only when the last one is recovered', async () => {
    const calls: string[] = [];
    const f = overlappingFault(
      'x',
      () => void calls.push('begin'),
      () => void calls.push('end'),
    );
    await f.inject();
    await f.inject();
    expect(f.active).toBe(true);
    await f.recover();
    expect(f.active).toBe(true);
    await f.recover();
    expect(f.active).toBe(false);
    expect(calls).toEqual(['begin', 'end']);
  });

  it('runs slow steps one at a time in the order asked, and a failed step does not stop the next', async () => {
    const calls: string[] = [];
    let fail = true;
    const f = overlappingFault(
      'x',
      async () => {
        await new Promise((r) => setTimeout(r, 20));
        calls.push('begin');
        if (fail) throw new Error('begin failed');
      },
      () => void calls.push('end'),
    );
    const injected = f.inject();
    const recovered = f.recover();
    await expect(injected).rejects.toThrow('begin failed');
    await recovered;
    fail = false;
    await f.idle;
    expect(calls).toEqual(['begin', 'end']);
    expect(f.active).toBe(false);
  });
});
