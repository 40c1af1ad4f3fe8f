/** Rejected candidates are counted, not turned into one Error each (a flood would pay for every stack trace). */
import { describe, expect, it, vi } from 'vitest';

const built = vi.hoisted(() => ({ errors: 0 }));

vi.mock('../../../server/protocols/dlt645/errors.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../server/protocols/dlt645/errors.ts')>();
  class CountedFrameError extends real.Dlt645FrameError {
    constructor(...args: ConstructorParameters<typeof real.Dlt645FrameError>) {
      super(...args);
      built.errors++;
    }
  }
  return { ...real, Dlt645FrameError: CountedFrameError };
});

const { Dlt645FrameExtractor } = await import('../../../server/protocols/dlt645/extractor.ts');

describe('frame hunter errors', () => {
  it('builds no Error per rejected candidate in 64 KiB of 0x68, yet reports the last reason', () => {
    const ex = new Dlt645FrameExtractor();
    built.errors = 0;
    ex.push(new Uint8Array(64 * 1024).fill(0x68));
    expect(built.errors).toBe(0);
    expect(ex.stats.badFrames).toBeGreaterThan(60_000);
    expect(ex.stats.lastError?.reason).toBe('no_end');
    expect(built.errors).toBe(1);
  });
});
