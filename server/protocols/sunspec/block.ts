/**
 * One model block (its `ID`, `L` and points) ↔ values, laid out by the model's JSON
 * definition: the fixed points, then each repeating group as often as its count says (a
 * `count` point, a number, or 0: as many as the block holds). Values are scaled by their
 * `sunssf` point (10^sf), looked up in the point's own group instance, then in the model.
 */
import { type GroupDef, type ModelDef, type PointDef, pointsSize } from './definitions.ts';
import { SunSpecError } from './errors.ts';
import { decodePoint, encodePoint, type RawValue } from './points.ts';

/** A scale factor outside this is not a power a device would use: the value is not trusted. */
const MAX_SF = 10;
/** More instances of a repeating group (MPPT inputs, DC ports) than any device has: each would be entities. */
export const MAX_INSTANCES = 100;

export interface DecodedPoint {
  /** `W`, or `module[2].DCW` for a point of a repeating group's second instance. */
  path: string;
  def: PointDef;
  /** The repeating group and 1-based instance the point belongs to, if any. */
  group?: { name: string; index: number };
  /** Register offset inside the block (0 is the `ID` register). */
  offset: number;
  raw: RawValue;
  /** The scaled value; null when the point or its scale factor is not implemented. */
  value: number | string | null;
  /** The exponent `value` was scaled by, for writes back. */
  sf?: number;
}

export interface DecodedModel {
  id: number;
  name: string;
  /** `L`: registers after ID and L. */
  length: number;
  points: DecodedPoint[];
}

interface Instance {
  group: GroupDef;
  name?: { name: string; index: number };
  offset: number;
}

/** Where each group instance of a block starts; throws when the device's counts do not fit its length. */
function layout(def: ModelDef, regs: ArrayLike<number>, blockSize: number): Instance[] {
  const root = def.group;
  const instances: Instance[] = [{ group: root, offset: 0 }];
  let offset = pointsSize(root);
  const groups = root.groups ?? [];
  const fixedAfter = (from: number) =>
    groups.slice(from).reduce((n, g) => n + (typeof g.count === 'number' && g.count > 0 ? g.count * pointsSize(g) : 0), 0);
  for (const [i, group] of groups.entries()) {
    const size = pointsSize(group);
    let count: number;
    if (typeof group.count === 'number' && group.count > 0) count = group.count;
    else if (typeof group.count === 'string') {
      const at = pointOffset(root, group.count);
      const n = at === undefined || at >= blockSize ? null : decodePoint('uint16', regs, at, 1);
      count = typeof n === 'number' ? n : 0;
    } else count = Math.floor(Math.max(0, blockSize - offset - fixedAfter(i + 1)) / size);
    if (offset + count * size > blockSize) {
      throw new SunSpecError(
        'malformed',
        `model ${def.id} counts ${count} "${group.name}" groups, but its length ${blockSize - 2} holds only ${Math.max(0, Math.floor((blockSize - offset) / size))}`,
      );
    }
    if (count > MAX_INSTANCES) {
      throw new SunSpecError(
        'malformed',
        `model ${def.id} holds ${count} "${group.name}" groups, more than the ${MAX_INSTANCES} a device has`,
      );
    }
    for (let n = 1; n <= count; n++) {
      instances.push({ group, name: { name: group.name, index: n }, offset });
      offset += size;
    }
  }
  return instances;
}

function pointOffset(group: GroupDef, name: string): number | undefined {
  let offset = 0;
  for (const p of group.points) {
    if (p.name === name) return offset;
    offset += p.size;
  }
  return undefined;
}

function pathOf(instance: Instance, point: PointDef): string {
  return instance.name ? `${instance.name.name}[${instance.name.index}].${point.name}` : point.name;
}

/**
 * Decodes a block read from the device: `regs` starts at its `ID` register and holds `L + 2`
 * registers. Points past the end of a short block (an older version of the model) are left out.
 */
export function decodeModel(def: ModelDef, regs: ArrayLike<number>): DecodedModel {
  const blockSize = regs.length;
  if (blockSize < 2) throw new SunSpecError('malformed', `model ${def.id}: block of ${blockSize} registers has no ID and L`);
  const points: DecodedPoint[] = [];
  for (const instance of layout(def, regs, blockSize)) {
    const own = new Map<string, RawValue>();
    let offset = instance.offset;
    const found: { def: PointDef; offset: number; raw: RawValue }[] = [];
    for (const point of instance.group.points) {
      if (offset + point.size > blockSize) break;
      const raw = decodePoint(point.type, regs, offset, point.size);
      own.set(point.name, raw);
      found.push({ def: point, offset, raw });
      offset += point.size;
    }
    const scaleOf = (name: string): number | null => {
      const v = own.get(name) ?? points.find((p) => !p.group && p.def.name === name)?.raw;
      return typeof v === 'number' && Math.abs(v) <= MAX_SF ? v : null;
    };
    for (const { def: point, offset: at, raw } of found) {
      const decoded: DecodedPoint = { path: pathOf(instance, point), def: point, offset: at, raw, value: raw };
      if (instance.name) decoded.group = instance.name;
      if (point.sf !== undefined && typeof raw === 'number') {
        const sf = scaleOf(point.sf);
        decoded.value = sf === null ? null : scaled(raw, sf);
        if (sf !== null) decoded.sf = sf;
      }
      points.push(decoded);
    }
  }
  return { id: def.id, name: def.group.name, length: blockSize - 2, points };
}

/** raw × 10^sf without binary noise (0.1 × 3 shows as 0.3). */
export function scaled(raw: number, sf: number): number {
  return sf >= 0 ? raw * 10 ** sf : Number((raw / 10 ** -sf).toFixed(-sf));
}

/** The raw register value for an engineering value at scale factor `sf`. */
export function unscaled(value: number, sf: number): number {
  return Math.round(sf >= 0 ? value / 10 ** sf : value * 10 ** -sf);
}

export interface BlockValues {
  /** By path (`W`, `module[1].DCW`); scaled points as engineering values, `sunssf` points as exponents. */
  values: Record<string, RawValue>;
  /** Instances of each repeating group (by group name). */
  counts?: Record<string, number>;
}

/** Encodes a whole block, `ID` and `L` included; what is not given is "not implemented". */
export function encodeModel(def: ModelDef, { values, counts = {} }: BlockValues): number[] {
  const root = def.group;
  const regs: number[] = [];
  const instances: Instance[] = [{ group: root, offset: 0 }];
  let offset = pointsSize(root);
  for (const group of root.groups ?? []) {
    const n = typeof group.count === 'number' && group.count > 0 ? group.count : (counts[group.name] ?? 0);
    for (let index = 1; index <= n; index++) {
      instances.push({ group, name: { name: group.name, index }, offset });
      offset += pointsSize(group);
    }
  }
  const total = offset;
  for (const instance of instances) {
    let at = instance.offset;
    const sfOf = (name: string): number => {
      const own = values[instance.name ? `${instance.name.name}[${instance.name.index}].${name}` : name];
      const v = own ?? values[name];
      return typeof v === 'number' ? v : 0;
    };
    for (const point of instance.group.points) {
      let value = values[pathOf(instance, point)] ?? null;
      if (!instance.name && point.name === 'ID') value = def.id;
      else if (!instance.name && point.name === 'L') value = total - 2;
      else if (!instance.name && root.groups?.some((g) => g.count === point.name)) {
        const group = root.groups.find((g) => g.count === point.name);
        value = group ? (counts[group.name] ?? 0) : value;
      } else if (point.sf !== undefined && typeof value === 'number') value = unscaled(value, sfOf(point.sf));
      encodePoint(point.type, value, regs, at, point.size);
      at += point.size;
    }
  }
  return regs;
}
