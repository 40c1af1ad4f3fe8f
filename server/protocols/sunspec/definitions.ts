/**
 * The SunSpec Alliance's model definitions (JSON in `models/`), loaded once and laid out:
 * every point's offset inside its block follows from the sizes of the points before it,
 * so no offset is written by hand anywhere.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { serverFile } from '../../serverFiles.ts';

export type PointType =
  | 'int16'
  | 'uint16'
  | 'count'
  | 'acc16'
  | 'enum16'
  | 'bitfield16'
  | 'sunssf'
  | 'pad'
  | 'int32'
  | 'uint32'
  | 'acc32'
  | 'enum32'
  | 'bitfield32'
  | 'float32'
  | 'int64'
  | 'uint64'
  | 'acc64'
  | 'float64'
  | 'string';

export const POINT_TYPES: readonly PointType[] = [
  'int16',
  'uint16',
  'count',
  'acc16',
  'enum16',
  'bitfield16',
  'sunssf',
  'pad',
  'int32',
  'uint32',
  'acc32',
  'enum32',
  'bitfield32',
  'float32',
  'int64',
  'uint64',
  'acc64',
  'float64',
  'string',
];

export interface PointSymbol {
  name: string;
  value: number;
}

export interface PointDef {
  name: string;
  type: PointType;
  /** Registers. */
  size: number;
  label?: string;
  desc?: string;
  units?: string;
  /** The `sunssf` point (in this group or an enclosing one) that scales this one. */
  sf?: string;
  access?: 'R' | 'RW';
  mandatory?: 'M' | 'O';
  static?: 'S' | 'D';
  symbols?: PointSymbol[];
}

export interface GroupDef {
  name: string;
  points: PointDef[];
  groups?: GroupDef[];
  /** Repetitions: a number, the name of a `count` point, or 0 for "as many as the block holds". */
  count?: number | string;
}

export interface ModelDef {
  id: number;
  group: GroupDef;
}

/** Registers one instance of a group takes, its nested groups not counted. */
export function pointsSize(group: GroupDef): number {
  let size = 0;
  for (const p of group.points) size += p.size;
  return size;
}

/** The definition files are trusted input, but a broken copy must say which file is wrong. */
function checkGroup(group: GroupDef, file: string): void {
  if (typeof group.name !== 'string' || !Array.isArray(group.points)) throw new Error(`${file}: group without name or points`);
  for (const p of group.points) {
    if (!POINT_TYPES.includes(p.type)) throw new Error(`${file}: point ${p.name} has unknown type ${p.type}`);
    if (!Number.isInteger(p.size) || p.size < 1) throw new Error(`${file}: point ${p.name} has size ${p.size}`);
  }
  for (const g of group.groups ?? []) checkGroup(g, file);
}

function loadModels(): ReadonlyMap<number, ModelDef> {
  const dir = serverFile('protocols/sunspec/models/');
  const models = new Map<number, ModelDef>();
  for (const file of readdirSync(dir).filter((f) => /^model_\d+\.json$/.test(f))) {
    const model = JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as ModelDef;
    checkGroup(model.group, file);
    const [id, length] = model.group.points;
    if (id?.name !== 'ID' || length?.name !== 'L') throw new Error(`${file}: a model starts with its ID and L points`);
    models.set(model.id, model);
  }
  return models;
}

export const MODELS: ReadonlyMap<number, ModelDef> = loadModels();

export function modelDef(id: number): ModelDef | undefined {
  return MODELS.get(id);
}
