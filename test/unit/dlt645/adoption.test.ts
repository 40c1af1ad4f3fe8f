import { describe, expect, it } from 'vitest';
import { AdoptionGate } from '../../../server/drivers/dlt645/adoption.ts';

function gate(opts: Partial<ConstructorParameters<typeof AdoptionGate>[0]> = {}) {
  const clock = { t: 1_000_000 };
  const g = new AdoptionGate<string>({
    autoAdopt: true,
    maxMeters: 100,
    perMinute: 2,
    maxPending: 3,
    expireMs: 3_600_000,
    now: () => clock.t,
    ...opts,
  });
  return { g, clock };
}

describe('adoption gate', () => {
  it('adopts adopt_per_minute meters in any 60 s, then again once the oldest is a minute old', () => {
    const { g, clock } = gate();
    g.adopted('1');
    clock.t += 30_000;
    g.adopted('2');
    expect(g.refusal(2)).toBe('adopt_per_minute');
    clock.t += 29_999;
    expect(g.refusal(2)).toBe('adopt_per_minute');
    clock.t += 1;
    expect(g.refusal(2)).toBeUndefined();
  });

  it('refuses beyond max_meters and when auto_adopt is off', () => {
    expect(gate({ maxMeters: 4 }).g.refusal(4)).toBe('max_meters');
    expect(gate({ autoAdopt: false }).g.refusal(0)).toBe('auto_adopt_off');
  });

  it('lists at most maxPending meters, counts the rest, and forgets one unseen for an hour', () => {
    const { g, clock } = gate();
    for (const a of ['a', 'b', 'c']) expect(g.hold(a, '127.0.0.2', undefined, 'max_meters', 'conn')).toBe(true);
    expect(g.hold('d', '127.0.0.2', undefined, 'max_meters', 'conn')).toBe(false);
    expect(g.overflow).toBe(1);
    clock.t += 1_800_000;
    g.hold('a', '127.0.0.2', undefined, 'max_meters', 'conn');
    clock.t += 1_800_001;
    expect(g.entries().map((e) => e.address)).toEqual(['a']);
    expect(g.hold('d', '127.0.0.2', undefined, 'max_meters', 'conn')).toBe(true);
  });

  it('offers only entries that still have a connection and may be adopted automatically', () => {
    const { g } = gate({ maxPending: 10 });
    g.hold('a', '127.0.0.2', undefined, 'adopt_per_minute', 'c1');
    g.hold('b', '127.0.0.2', undefined, 'adopt_per_minute', 'c2');
    g.hold('c', '127.0.0.2', undefined, 'auto_adopt_off', 'c2');
    g.disconnected('c1');
    expect(g.waiting().map((e) => e.address)).toEqual(['b']);
  });
});
