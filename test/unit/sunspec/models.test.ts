/**
 * Every model of the reference, decoded by its JSON definition: a block written by the
 * encoder from random raw values is read back by the decoder point for point, scaled by its
 * scale factors; "not implemented" patterns are null, never a number.
 */
import { readdirSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeModel, encodeModel, MAX_INSTANCES, scaled } from '../../../server/protocols/sunspec/block.ts';
import { type GroupDef, MODELS, type ModelDef, type PointDef, pointsSize } from '../../../server/protocols/sunspec/definitions.ts';
import { SunSpecError } from '../../../server/protocols/sunspec/errors.ts';
import { decodePoint, encodePoint, type RawValue, rawRange } from '../../../server/protocols/sunspec/points.ts';

const MODEL_FILES = readdirSync(new URL('../../../server/protocols/sunspec/models/', import.meta.url)).filter((f) => f.endsWith('.json'));
const REFERENCE_IDS = [
  1, 101, 102, 103, 111, 112, 113, 120, 121, 122, 123, 124, 160, 201, 202, 203, 204, 211, 212, 213, 214, 701, 702, 713, 714,
];

/** A raw value a point can carry that is not its "not implemented" pattern. */
function rawFor(point: PointDef): fc.Arbitrary<RawValue> {
  if (point.type === 'string') return fc.stringMatching(new RegExp(`^[A-Za-z0-9][A-Za-z0-9 ._-]{0,${point.size * 2 - 2}}[A-Za-z0-9]$`));
  if (point.type === 'float32') return fc.float({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }).map(Math.fround);
  if (point.type === 'float64') return fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e9, max: 1e9 });
  if (point.type === 'sunssf') return fc.integer({ min: -3, max: 3 });
  const { min, max } = rawRange(point.type, point.size);
  // 64-bit values are published as JavaScript numbers: scaled energy counters stay far below 2^53.
  return fc.integer({ min: Math.max(min, -1e12), max: Math.min(max, 1e12) });
}

interface Generated {
  values: Record<string, RawValue>;
  counts: Record<string, number>;
  raw: Map<string, RawValue>;
}

/** Raw values for every point (a few left "not implemented"), and the engineering values the encoder takes. */
function blockArbitrary(def: ModelDef): fc.Arbitrary<Generated> {
  const groups = def.group.groups ?? [];
  return fc.array(fc.integer({ min: 0, max: 3 }), { minLength: groups.length, maxLength: groups.length }).chain((countList) => {
    const counts = Object.fromEntries(groups.map((g, i) => [g.name, countList[i]!]));
    const slots: { path: string; point: PointDef; group: GroupDef; prefix: string }[] = [];
    for (const point of def.group.points) slots.push({ path: point.name, point, group: def.group, prefix: '' });
    for (const g of groups) {
      for (let n = 1; n <= counts[g.name]!; n++) {
        for (const point of g.points) slots.push({ path: `${g.name}[${n}].${point.name}`, point, group: g, prefix: `${g.name}[${n}].` });
      }
    }
    const counted = new Set(groups.map((g) => g.count).filter((c) => typeof c === 'string'));
    const arbitraries = slots.map((s) =>
      s.point.type === 'pad' || s.point.name === 'ID' || s.point.name === 'L' || counted.has(s.point.name)
        ? fc.constant(null)
        : fc.oneof({ weight: 9, arbitrary: rawFor(s.point) }, { weight: 1, arbitrary: fc.constant(null) }),
    );
    return fc.tuple(...arbitraries).map((raws) => {
      const raw = new Map<string, RawValue>(slots.map((s, i) => [s.path, raws[i]!]));
      const sfOf = (s: (typeof slots)[number]) => {
        const name = s.point.sf;
        if (name === undefined) return undefined;
        return raw.get(`${s.prefix}${name}`) ?? raw.get(name);
      };
      const values: Record<string, RawValue> = {};
      for (const s of slots) {
        const r = raw.get(s.path) ?? null;
        const sf = sfOf(s);
        values[s.path] = typeof r === 'number' && s.point.sf !== undefined && typeof sf === 'number' ? scaled(r, sf) : r;
        // A scaled point without its scale factor cannot be encoded from an engineering value.
        if (typeof r === 'number' && s.point.sf !== undefined && typeof sf !== 'number') {
          raw.set(s.path, null);
          values[s.path] = null;
        }
      }
      return { values, counts, raw };
    });
  });
}

describe('SunSpec model definitions', () => {
  it('hold every model of the reference, each laid out from its points', () => {
    expect([...MODELS.keys()].sort((a, b) => a - b)).toEqual(REFERENCE_IDS);
    expect(MODEL_FILES).toHaveLength(REFERENCE_IDS.length);
    // The sizes the SunSpec specification gives for the fixed part of a few models (ID and L included).
    expect(pointsSize(MODELS.get(1)!.group)).toBe(68);
    expect(pointsSize(MODELS.get(103)!.group)).toBe(52);
    expect(pointsSize(MODELS.get(203)!.group)).toBe(107);
    expect(pointsSize(MODELS.get(160)!.group.groups![0]!)).toBe(20);
  });
});

describe.each(REFERENCE_IDS)('model %i', (id) => {
  const def = MODELS.get(id)!;

  it('decodes what the encoder wrote, point for point, scaled by its scale factors', () => {
    fc.assert(
      fc.property(blockArbitrary(def), ({ values, counts, raw }) => {
        const regs = encodeModel(def, { values, counts });
        expect(regs[0]).toBe(id);
        expect(regs[1]).toBe(regs.length - 2);
        const decoded = decodeModel(def, regs);
        for (const p of decoded.points) {
          if (p.def.type === 'pad' || p.path === 'ID' || p.path === 'L') continue;
          const groupCount = def.group.groups?.find((g) => g.count === p.path);
          if (groupCount) {
            expect(p.raw).toBe(counts[groupCount.name]);
            continue;
          }
          const want = raw.get(p.path) ?? null;
          if (typeof want === 'number' && p.def.type.startsWith('float')) expect(p.raw).toBeCloseTo(want, 6);
          else expect(p.raw).toEqual(want);
          if (want === null) expect(p.value).toBeNull();
          else if (typeof want === 'number' && p.def.sf !== undefined && typeof p.sf === 'number') {
            expect(p.value).toBeCloseTo(scaled(want, p.sf), 6);
          }
        }
        const instances = Object.values(counts).reduce((n, c) => n + c, 0);
        const grouped = new Set(decoded.points.filter((p) => p.group).map((p) => `${p.group?.name}${p.group?.index}`));
        expect(grouped.size).toBe(instances);
      }),
      { numRuns: 25 },
    );
  });
});

describe('not implemented values', () => {
  it.each([
    ['int16', [0x8000]],
    ['sunssf', [0x8000]],
    ['uint16', [0xffff]],
    ['enum16', [0xffff]],
    ['bitfield16', [0xffff]],
    ['acc32', [0xffff, 0xffff]],
    ['acc32', [0, 0]],
    ['acc64', [0, 0, 0, 0]],
    ['uint32', [0xffff, 0xffff]],
    ['int32', [0x8000, 0x0000]],
    ['bitfield32', [0xffff, 0xffff]],
    ['uint64', [0xffff, 0xffff, 0xffff, 0xffff]],
    ['float32', [0x7fc0, 0x0000]],
    ['string', [0, 0, 0, 0]],
  ] as const)('%s %j is null', (type, regs) => {
    expect(decodePoint(type, regs, 0, regs.length)).toBeNull();
  });

  it('an unimplemented scale factor makes the value null, not an unscaled number', () => {
    const def = MODELS.get(103)!;
    const regs = encodeModel(def, { values: { W: 5000, W_SF: 0 } });
    const at = (name: string) => decodeModel(def, regs).points.find((p) => p.path === name)!;
    expect(at('W').value).toBe(5000);
    encodePoint('sunssf', null, regs, at('W_SF').offset, 1);
    expect(at('W').raw).toBe(5000);
    expect(at('W').value).toBeNull();
  });

  it('a scale factor no device would use (|sf| > 10) is not trusted', () => {
    const def = MODELS.get(103)!;
    const regs = encodeModel(def, { values: { W: 5000, W_SF: 0 } });
    const sf = decodeModel(def, regs).points.find((p) => p.path === 'W_SF')!;
    encodePoint('sunssf', 30, regs, sf.offset, 1);
    expect(decodeModel(def, regs).points.find((p) => p.path === 'W')!.value).toBeNull();
  });
});

describe('hostile blocks', () => {
  it.each(['uint32', 'string', 'float32'] as const)('a %s point reaching past the registers given is refused, not read as 0', (type) => {
    expect(() => decodePoint(type, [0x1234], 0, 2)).toThrow(SunSpecError);
    expect(() => decodePoint(type, [0x1234], 0, 2)).toThrow('register 1 is missing: the point runs past the 1 registers read');
  });

  it('a count point larger than the block holds is a clear error', () => {
    const def = MODELS.get(714)!;
    const regs = encodeModel(def, { values: {}, counts: { Prt: 1 } });
    const n = decodeModel(def, regs).points.find((p) => p.path === 'NPrt')!;
    regs[n.offset] = 65_000;
    expect(() => decodeModel(def, regs)).toThrow(SunSpecError);
    expect(() => decodeModel(def, regs)).toThrow(/counts 65000 "Prt" groups, but its length \d+ holds only 1/);
  });

  it('a block that holds more group instances than any device has is refused, not made into thousands of entities', () => {
    const def = MODELS.get(160)!;
    const regs = encodeModel(def, { values: {}, counts: { module: MAX_INSTANCES + 1 } });
    expect(() => decodeModel(def, regs)).toThrow(
      `model 160 holds ${MAX_INSTANCES + 1} "module" groups, more than the ${MAX_INSTANCES} a device has`,
    );
    const fits = encodeModel(def, { values: {}, counts: { module: MAX_INSTANCES } });
    expect(decodeModel(def, fits).points.filter((p) => p.path.endsWith('.DCW'))).toHaveLength(MAX_INSTANCES);
  });

  it('any register content of any length decodes or fails with a SunSpecError, with at most one value per register', () => {
    const ids = [...MODELS.keys()];
    fc.assert(
      fc.property(
        fc.constantFrom(...ids),
        fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 400 }),
        fc.boolean(),
        (id, body, keepHeader) => {
          const def = MODELS.get(id)!;
          const regs = keepHeader ? [id, body.length, ...body] : body;
          try {
            const decoded = decodeModel(def, regs);
            expect(decoded.points.length).toBeLessThanOrEqual(regs.length);
            for (const p of decoded.points) if (typeof p.value === 'number') expect(Number.isFinite(p.value)).toBe(true);
          } catch (err) {
            expect(err).toBeInstanceOf(SunSpecError);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
