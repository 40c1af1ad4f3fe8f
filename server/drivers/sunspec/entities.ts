/**
 * A decoded model's points as Home Assistant entities: the device class, unit and state
 * class follow from the point's units and type in the model definition, so every model
 * the definitions hold maps the same way. Accumulated energy (Wh) is published in kWh as
 * `total_increasing`; repeating groups (MPPT strings, DER DC ports) give an entity per
 * instance; enums carry the definition's symbol names as labels.
 */
import type { RegisterDescriptor } from '../../core/registers.ts';
import type { DecodedModel, DecodedPoint } from '../../protocols/sunspec/block.ts';
import type { ModelLocation } from '../../protocols/sunspec/chain.ts';
import type { PointDef } from '../../protocols/sunspec/definitions.ts';
import { rawRange } from '../../protocols/sunspec/points.ts';

/** Models whose points may be written (immediate controls, storage, DER controls). */
export const WRITABLE_MODELS: ReadonlySet<number> = new Set([123, 124, 704, 705]);

/** Short names for the key prefixes of the models users see most. */
const PREFIXES: Record<number, string> = {
  101: 'inverter',
  102: 'inverter',
  103: 'inverter',
  111: 'inverter',
  112: 'inverter',
  113: 'inverter',
  120: 'nameplate',
  121: 'settings',
  122: 'status',
  123: 'controls',
  124: 'storage',
  160: 'mppt',
  201: 'meter',
  202: 'meter',
  203: 'meter',
  204: 'meter',
  211: 'meter',
  212: 'meter',
  213: 'meter',
  214: 'meter',
  701: 'der_ac',
  702: 'der_capacity',
  713: 'der_storage',
  714: 'der_dc',
};

/** Models a user watches: their entities are on by default; settings and nameplates are diagnostic and off. */
const LIVE_MODELS = new Set([101, 102, 103, 111, 112, 113, 124, 160, 201, 202, 203, 204, 211, 212, 213, 214, 701, 713, 714]);

/** Points that are structure, not values. */
const SKIPPED_TYPES = new Set(['sunssf', 'pad', 'count']);

export interface PointEntity {
  register: RegisterDescriptor;
  model: ModelLocation;
  /** The point's path in the decoded model (`W`, `module[1].DCW`). */
  path: string;
  /** kWh from Wh. */
  divisor: number;
}

export function modelPrefix(id: number, taken: ReadonlySet<string>): string {
  const prefix = PREFIXES[id] ?? `model${id}`;
  return taken.has(prefix) ? `${prefix}_${id}` : prefix;
}

const slug = (s: string) =>
  s
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_|_$/g, '')
    .toLowerCase();

function keyOf(prefix: string, point: DecodedPoint): string {
  const group = point.group ? `${slug(point.group.name)}${point.group.index}_` : '';
  return `${prefix}_${group}${slug(point.def.name)}`;
}

function nameOf(point: DecodedPoint): string {
  const label = point.def.label ?? point.def.name;
  return point.group ? `${label} ${point.group.name} ${point.group.index}` : label;
}

const units = (def: PointDef) => (def.units ?? '').trim();
const isEnergy = (def: PointDef) =>
  /^wh$/i.test(units(def)) && (def.type.startsWith('acc') || def.type === 'uint64' || def.type.startsWith('float'));

type Shape = Pick<RegisterDescriptor, 'unit' | 'deviceClass' | 'stateClass' | 'type' | 'options' | 'enumValues' | 'precision'> & {
  divisor?: number;
};

/** Device class, unit and state class from the definition's units and type. */
function shapeOf(def: PointDef): Shape {
  const u = units(def);
  if (def.type === 'string') return { type: 'text' };
  if ((def.type.startsWith('enum') || def.type.startsWith('bitfield')) && def.symbols?.length && def.type.startsWith('enum')) {
    return { type: 'enum', deviceClass: 'enum', options: def.symbols.map((s) => s.name), enumValues: def.symbols.map((s) => s.value) };
  }
  if (def.type.startsWith('bitfield') || def.type.startsWith('enum')) return {};
  if (isEnergy(def)) return { unit: 'kWh', deviceClass: 'energy', stateClass: 'total_increasing', divisor: 1000, precision: 3 };
  if (/^wh$/i.test(u)) return { unit: 'Wh', deviceClass: 'energy_storage', stateClass: 'measurement' };
  if (/^varh$/i.test(u)) return { unit: 'varh', deviceClass: 'reactive_energy', stateClass: 'total_increasing' };
  if (u === 'VAh') return { unit: 'VAh', stateClass: 'total_increasing' };
  if (u === 'W') return { unit: 'W', deviceClass: 'power', stateClass: 'measurement' };
  if (u === 'VA') return { unit: 'VA', deviceClass: 'apparent_power', stateClass: 'measurement' };
  if (/^var$/i.test(u)) return { unit: 'var', deviceClass: 'reactive_power', stateClass: 'measurement' };
  if (u === 'V') return { unit: 'V', deviceClass: 'voltage', stateClass: 'measurement' };
  if (u === 'A') return { unit: 'A', deviceClass: 'current', stateClass: 'measurement' };
  if (u === 'Hz') return { unit: 'Hz', deviceClass: 'frequency', stateClass: 'measurement' };
  if (u === 'C') return { unit: '°C', deviceClass: 'temperature', stateClass: 'measurement' };
  if (u === 'Secs') return { unit: 's', deviceClass: 'duration', stateClass: 'measurement' };
  if (/^(SoC|ChaState)$/.test(def.name)) return { unit: '%', deviceClass: 'battery', stateClass: 'measurement' };
  if (/^PF/.test(def.name) || u === 'PF' || u === 'cos()') {
    return u === 'Pct'
      ? { unit: '%', deviceClass: 'power_factor', stateClass: 'measurement' }
      : { deviceClass: 'power_factor', stateClass: 'measurement' };
  }
  if (u.startsWith('%') || u === 'Pct') return { unit: '%', stateClass: 'measurement' };
  return u ? { unit: u, stateClass: 'measurement' } : {};
}

/** The device's own ratings (nameplate model 120) that bound what its controls accept. */
export interface Ratings {
  /** Most power the device takes for a charge limit (MaxChaRte, else WRtg), W. */
  W?: number;
  /** Its apparent power rating (VARtg), VA. */
  VA?: number;
}

/** The ratings model 120 shows, if the device has it. */
export function ratingsOf(nameplate: DecodedModel | undefined): Ratings {
  const value = (name: string) => {
    const v = nameplate?.points.find((p) => p.path === name)?.value;
    return typeof v === 'number' && v > 0 ? v : undefined;
  };
  return { W: value('MaxChaRte') ?? value('WRtg'), VA: value('VARtg') };
}

/**
 * The engineering range a writable point takes: its type's raw range, narrowed for
 * percentages and cos φ, and for power to what the nameplate rates the device at.
 */
function writeRange(def: PointDef, sf: number | undefined, ratings: Ratings): { min: number; max: number } {
  const raw = rawRange(def.type, def.size);
  const scale = 10 ** (sf ?? 0);
  let min = raw.min * scale;
  let max = raw.max * scale;
  const u = units(def);
  if (u.startsWith('%') || u === 'Pct') {
    min = Math.max(min, -100);
    max = Math.min(max, 100);
  } else if (u === 'cos()') {
    min = Math.max(min, -1);
    max = Math.min(max, 1);
  } else if ((u === 'W' || u === 'VA') && ratings[u] !== undefined) {
    max = Math.min(max, ratings[u]);
  }
  return { min, max };
}

export interface EntityOptions {
  allowWrites: boolean;
  /** Key prefix of this model's entities (`modelPrefix`). */
  prefix: string;
  ratings?: Ratings;
}

/** One entity per value point of a decoded model. */
export function modelEntities(model: ModelLocation, decoded: DecodedModel, opts: EntityOptions): PointEntity[] {
  const live = LIVE_MODELS.has(model.id);
  const out: PointEntity[] = [];
  for (const point of decoded.points) {
    const def = point.def;
    if (SKIPPED_TYPES.has(def.type) || (!point.group && (def.name === 'ID' || def.name === 'L'))) continue;
    const { divisor, ...shape } = shapeOf(def);
    const writable = WRITABLE_MODELS.has(model.id) && def.access === 'RW' && shape.type !== 'text';
    const useful = live && (shape.deviceClass !== undefined || shape.type === 'enum') && !writable;
    const register: RegisterDescriptor = {
      key: keyOf(opts.prefix, point),
      name: nameOf(point),
      id: `${model.id}.${point.path}`,
      description: `Model ${model.id} (${decoded.name}) point ${point.path} at register ${model.address + point.offset}: ${def.type}${def.sf ? `, scaled by ${def.sf}` : ''}${def.desc ? `. ${def.desc}` : ''}`,
      ...shape,
    };
    if (!useful) register.enabledByDefault = false;
    if (writable) {
      const { min, max } = writeRange(def, point.sf, opts.ratings ?? {});
      Object.assign(register, { writable: true, min, max, entityCategory: 'config' });
      if (shape.type !== 'enum') register.step = 10 ** (point.sf ?? 0);
      // Writable on the device, not offered while this device's writes are off.
      if (!opts.allowWrites) Object.assign(register, { writable: false, writesOff: true });
    } else if (!live || shape.type === 'text' || (shape.deviceClass === undefined && shape.type !== 'enum')) {
      register.entityCategory = 'diagnostic';
    }
    out.push({ register, model, path: point.path, divisor: divisor ?? 1 });
  }
  return out;
}
