/**
 * IEEE 2030.5 XML bodies to typed resources. Namespace prefixes are dropped (meters and
 * old bridges use both the default namespace and `ns:`), unknown elements are ignored,
 * and anything malformed comes back as an error naming the problem, never an exception.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { ListPage, MeterReading, Reading, ReadingSet, ReadingType, SepResource, SepType, UsagePoint } from './resources.ts';

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

type Node = Record<string, unknown>;

const LIST_ITEMS = new Set(['UsagePoint', 'MeterReading', 'ReadingSet', 'Reading']);

/** List pages of 255 readings are under 100 kB and nest 5 deep; a body far beyond is not a meter's. */
export const MAX_XML_LENGTH = 512 * 1024;
export const MAX_XML_DEPTH = 32;
/** Parser messages can quote the input (a whole unclosed-tag stack): keep errors readable. */
const MAX_MESSAGE = 160;

/** Work done on one body, for tests and benchmarks that check it stays linear. */
export interface SepWork {
  /** Elements the tree builder visited. */
  elements: number;
}

let work: SepWork = { elements: 0 };

const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  // No entity expansion at all, so a DOCTYPE cannot blow a body up (and is refused below anyway).
  processEntities: false,
  maxNestedTags: MAX_XML_DEPTH,
  isArray: (name, jpath) => {
    work.elements++;
    return LIST_ITEMS.has(name) && isListItemPath(String(jpath));
  },
});

/** `Root.Item`: exactly one dot, found without splitting a path whose names may be long. */
function isListItemPath(jpath: string): boolean {
  const dot = jpath.indexOf('.');
  return dot !== -1 && jpath.indexOf('.', dot + 1) === -1;
}

const clip = (message: string): string => (message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE)}…` : message);

export function parseSep(text: string, counter: SepWork = { elements: 0 }): ParseResult<SepResource> {
  if (text.length > MAX_XML_LENGTH) return { ok: false, error: `the body has ${text.length} bytes, more than ${MAX_XML_LENGTH}` };
  if (text.trim() === '') return { ok: false, error: 'empty body' };
  if (/<!DOCTYPE/i.test(text)) return { ok: false, error: 'the body has a DOCTYPE, which 2030.5 does not use' };
  const valid = XMLValidator.validate(text);
  if (valid !== true) return { ok: false, error: `not well-formed XML: ${clip(valid.err.msg)} (line ${valid.err.line})` };
  let tree: Node;
  work = counter;
  try {
    tree = parser.parse(text) as Node;
  } catch (err) {
    const message = (err as Error).message;
    if (/nested tags/i.test(message)) return { ok: false, error: `the body nests elements more than ${MAX_XML_DEPTH} deep` };
    return { ok: false, error: `not well-formed XML: ${clip(message)}` };
  } finally {
    work = { elements: 0 };
  }
  const rootName = Object.keys(tree).find((k) => !k.startsWith('?') && !k.startsWith('#'));
  if (!rootName) return { ok: false, error: 'no root element' };
  const root = asNode(tree[rootName]);
  switch (rootName) {
    case 'DeviceInformation':
      return ok({
        type: 'DeviceInformation',
        href: attr(root, 'href'),
        lfdi: text_(root, 'lFDI')?.toUpperCase() ?? null,
        swVer: text_(root, 'swVer'),
        mfID: text_(root, 'mfID'),
        mfModel: text_(root, 'mfModel'),
        mfSerNum: text_(root, 'mfSerNum'),
        mfHwVer: text_(root, 'mfHwVer'),
      });
    case 'ReadingType':
      return readingType(root);
    case 'Reading':
      return ok(reading(root));
    case 'UsagePoint':
      return ok({ type: 'UsagePoint', ...usagePoint(root) });
    case 'MeterReading':
      return ok({ type: 'MeterReading', ...meterReading(root) });
    case 'ReadingSet':
      return ok({ type: 'ReadingSet', ...readingSet(root) });
    case 'UsagePointList':
      return ok({ type: 'UsagePointList', ...list(root, 'UsagePoint', usagePoint) });
    case 'MeterReadingList':
      return ok({ type: 'MeterReadingList', ...list(root, 'MeterReading', meterReading) });
    case 'ReadingSetList':
      return ok({ type: 'ReadingSetList', ...list(root, 'ReadingSet', readingSet) });
    case 'ReadingList':
      return ok({ type: 'ReadingList', ...list(root, 'Reading', reading) });
    default:
      return { ok: false, error: `unexpected root element <${rootName}>` };
  }
}

/** Parse and insist on one resource type (e.g. `/rt/N` must be a ReadingType). */
export function parseSepAs<T extends SepType>(text: string, type: T): ParseResult<Extract<SepResource, { type: T }>> {
  const r = parseSep(text);
  if (!r.ok) return r;
  if (r.value.type !== type) return { ok: false, error: `expected <${type}>, got <${r.value.type}>` };
  return r as ParseResult<Extract<SepResource, { type: T }>>;
}

function ok<T>(value: T): ParseResult<T> {
  return { ok: true, value };
}

function readingType(n: Node): ParseResult<ReadingType> {
  const uom = int(n, 'uom');
  if (uom === null) return { ok: false, error: 'ReadingType without <uom>' };
  const multiplier = int(n, 'powerOfTenMultiplier') ?? 0;
  if (multiplier < -9 || multiplier > 9) return { ok: false, error: `powerOfTenMultiplier ${multiplier} is outside -9..9` };
  return ok({
    type: 'ReadingType',
    href: attr(n, 'href'),
    accumulationBehaviour: int(n, 'accumulationBehaviour') ?? 0,
    commodity: int(n, 'commodity') ?? 0,
    dataQualifier: int(n, 'dataQualifier') ?? 0,
    flowDirection: int(n, 'flowDirection') ?? 0,
    kind: int(n, 'kind') ?? 0,
    phase: int(n, 'phase') ?? 0,
    powerOfTenMultiplier: multiplier,
    uom,
    numberOfTouTiers: int(n, 'numberOfTouTiers') ?? 0,
    intervalLength: int(n, 'intervalLength'),
  });
}

function reading(n: Node): Reading {
  const period = asNode(n.timePeriod);
  const flags = text_(n, 'qualityFlags');
  return {
    type: 'Reading',
    href: attr(n, 'href'),
    value: int(n, 'value'),
    qualityFlags: flags !== null && /^[0-9A-Fa-f]{1,4}$/.test(flags) ? parseInt(flags, 16) : null,
    start: int(period, 'start'),
    duration: int(period, 'duration'),
    touTier: int(n, 'touTier'),
    localID: text_(n, 'localID'),
  };
}

function usagePoint(n: Node): UsagePoint {
  return {
    href: attr(n, 'href'),
    mRID: text_(n, 'mRID'),
    description: text_(n, 'description'),
    serviceCategoryKind: int(n, 'serviceCategoryKind'),
    status: int(n, 'status'),
    meterReadingListLink: link(n, 'MeterReadingListLink'),
  };
}

function meterReading(n: Node): MeterReading {
  return {
    href: attr(n, 'href'),
    mRID: text_(n, 'mRID'),
    description: text_(n, 'description'),
    readingLink: link(n, 'ReadingLink'),
    readingSetListLink: link(n, 'ReadingSetListLink'),
    readingTypeLink: link(n, 'ReadingTypeLink'),
  };
}

function readingSet(n: Node): ReadingSet {
  const period = asNode(n.timePeriod);
  return {
    href: attr(n, 'href'),
    description: text_(n, 'description'),
    start: int(period, 'start'),
    duration: int(period, 'duration'),
    readingListLink: link(n, 'ReadingListLink'),
  };
}

function list<T>(n: Node, item: string, map: (n: Node) => T): ListPage<T> {
  const raw = n[item];
  const items = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map((x) => map(asNode(x)));
  return {
    href: attr(n, 'href'),
    all: intAttr(n, 'all') ?? items.length,
    results: intAttr(n, 'results') ?? items.length,
    items,
  };
}

function asNode(v: unknown): Node {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Node) : {};
}

/** Text content of a child element (first one if repeated). */
function text_(n: Node, name: string): string | null {
  let v = n[name];
  if (Array.isArray(v)) v = v[0];
  if (typeof v === 'string') return v === '' ? null : v;
  if (typeof v === 'object' && v !== null) {
    const t = (v as Node)['#text'];
    return typeof t === 'string' && t !== '' ? t : null;
  }
  return null;
}

function int(n: Node, name: string): number | null {
  const t = text_(n, name);
  if (t === null || !/^[+-]?\d{1,16}$/.test(t)) return null;
  return Number(t);
}

function attr(n: Node, name: string): string | null {
  const v = n[`@${name}`];
  return typeof v === 'string' ? v : null;
}

function intAttr(n: Node, name: string): number | null {
  const v = attr(n, name);
  return v !== null && /^\d{1,10}$/.test(v) ? Number(v) : null;
}

function link(n: Node, name: string): string | null {
  let v = n[name];
  if (Array.isArray(v)) v = v[0];
  return attr(asNode(v), 'href');
}
