/**
 * The classic PIKO status page (`/index.fhtml`, communication board UI < 6).
 *
 * Values are found by the page's own structure, not by counting cells: every value sits
 * in a cell with a `bgcolor` between a label cell and a unit cell; the unit (language
 * neutral: W, kWh, V, A) says what it is, and the underlined `String n` / `Ln` headers
 * say which string or phase the rows below belong to. Slots a model does not have are
 * painted in the page background colour and skipped. Labels only tell total from daily
 * energy (both kWh); unknown labels fall back to the page's order (total first).
 */
import { load } from 'cheerio/slim';
import { type AnyNode, DomHandler, hasChildren, isText } from 'domhandler';
import { Parser } from 'htmlparser2';
import { stateFromText } from './operatingState.ts';
import type { InverterSnapshot, ParseResult, PhaseValues, StringValues } from './snapshot.ts';

export interface ClassicPage {
  model: string | null;
  /** The inverter's name as set by the user, e.g. `piko`. */
  name: string | null;
  rs485Address: number | null;
  statusText: string | null;
  acPowerW: number | null;
  totalEnergyKwh: number | null;
  dailyEnergyKwh: number | null;
  strings: { index: number; voltageV: number | null; currentA: number | null }[];
  phases: { index: number; voltageV: number | null; powerW: number | null }[];
  /** Text of every value cell that exists on this model, in document order. */
  valueCells: string[];
  /** At least one live value was an `x x x` placeholder. */
  placeholders: boolean;
  /** Cells that could not be read (kept out of the values). */
  problems: string[];
}

const WHITE = /^#?(ffffff|fff|white)$/i;
const PLACEHOLDER = /^x(\s*x)*$/i;
const NUMBER = /^-?\d+(\.\d+)?$/;
const TOTAL_LABEL = /total|gesamt|totaal/i;
const DAILY_LABEL = /daily|tages|dag/i;

/** Trimmed text without no-break spaces (`&nbsp` is written without its semicolon). */
function cellText(raw: string): string {
  return raw
    .replace(/\u00a0/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

type CellValue = { kind: 'number'; value: number } | { kind: 'placeholder' } | { kind: 'bad'; text: string };

function readValue(text: string): CellValue {
  if (PLACEHOLDER.test(text)) return { kind: 'placeholder' };
  if (NUMBER.test(text)) return { kind: 'number', value: Number(text) };
  return { kind: 'bad', text };
}

interface Slot {
  label: string;
  unit: string;
  text: string;
  /** 0 = left column (PV generator), 1 = right column (output power). */
  side: number;
}

/** Decode the page's bytes: the inverter declares ISO-8859-1. */
export function decodeLatin1(bytes: Uint8Array): string {
  return new TextDecoder('latin1').decode(bytes);
}

/** Real pages are 6–20 kB and nest 11–13 elements deep; anything far beyond is not a PIKO page. */
export const MAX_PAGE_BYTES = 256 * 1024;
export const MAX_PAGE_DEPTH = 48;

/** Work done on one page, for tests and benchmarks that check it stays linear. */
export interface PageWork {
  /** Elements and text nodes put into the document tree. */
  nodes: number;
  /** Child visits made to collect cell texts. */
  textSteps: number;
}

class TooDeep extends Error {}

/**
 * htmlparser2 rather than cheerio's default parse5: parse5 follows the HTML5 tree builder,
 * whose reconstruction of active formatting elements clones every open `<font>` again for each
 * text run in a table, so a hostile page costs quadratic elements. htmlparser2 nests what it is
 * given; the depth cap keeps its per-tag stack work (and every subtree walk below) bounded.
 */
class BoundedDomHandler extends DomHandler {
  constructor(private readonly work: PageWork) {
    super(undefined, { withStartIndices: false, withEndIndices: false });
  }

  override onopentag(name: string, attribs: Record<string, string>): void {
    if (this.tagStack.length > MAX_PAGE_DEPTH) throw new TooDeep();
    this.work.nodes++;
    super.onopentag(name, attribs);
  }

  override ontext(data: string): void {
    this.work.nodes++;
    super.ontext(data);
  }
}

/** Longest cell text kept; real cells hold a label, a number or a status of a few words. */
const MAX_CELL_TEXT = 128;

/**
 * Text of a node, cut at MAX_CELL_TEXT and computed once per node. Nested hostile markup
 * (`<u>` in `<u>` … 40 deep, in every row) would otherwise make every enclosing element walk
 * the same subtree again.
 */
function memoText(work: PageWork): (node: AnyNode | undefined) => string {
  const memo = new Map<AnyNode, string>();
  const textOf = (node: AnyNode | undefined): string => {
    if (node === undefined) return '';
    // Whitespace runs collapse here already (cellText collapses again), so indentation does not use up the cap.
    if (isText(node))
      return node.data
        .slice(0, 4 * MAX_CELL_TEXT)
        .replace(/\s+/g, ' ')
        .slice(0, MAX_CELL_TEXT);
    if (!hasChildren(node)) return '';
    const known = memo.get(node);
    if (known !== undefined) return known;
    let text = '';
    for (const child of node.children) {
      if (text.length >= MAX_CELL_TEXT) break;
      work.textSteps++;
      text += textOf(child);
    }
    text = text.slice(0, MAX_CELL_TEXT);
    memo.set(node, text);
    return text;
  };
  return textOf;
}

/** The nearest enclosing `<tr>`, remembered per node so nested elements share one walk up. */
function memoRow(): (node: AnyNode) => AnyNode | null {
  const memo = new Map<AnyNode, AnyNode | null>();
  const rowOf = (node: AnyNode): AnyNode | null => {
    if ('name' in node && node.name === 'tr') return node;
    const known = memo.get(node);
    if (known !== undefined) return known;
    const row = node.parent ? rowOf(node.parent) : null;
    memo.set(node, row);
    return row;
  };
  return rowOf;
}

/** Tolerates whitespace after `</html>` without a regex scan over the whole page. */
function endsWithHtmlClose(html: string): boolean {
  return /<\/html\s*>$/i.test(html.trimEnd().slice(-32));
}

export function parseClassicPage(input: string | Uint8Array, work: PageWork = { nodes: 0, textSteps: 0 }): ParseResult<ClassicPage> {
  if (input.length > MAX_PAGE_BYTES) {
    return { ok: false, error: `the page has ${input.length} bytes, more than ${MAX_PAGE_BYTES}: not a PIKO status page` };
  }
  const html = typeof input === 'string' ? input : decodeLatin1(input);
  if (!endsWithHtmlClose(html)) {
    return { ok: false, error: 'the page ends before </html> (truncated or not a PIKO page)' };
  }
  const handler = new BoundedDomHandler(work);
  try {
    const parser = new Parser(handler, { decodeEntities: true });
    parser.end(html);
  } catch (err) {
    if (err instanceof TooDeep)
      return { ok: false, error: `the page nests elements more than ${MAX_PAGE_DEPTH} deep: not a PIKO status page` };
    throw err;
  }
  const $ = load(handler.root);
  const page: ClassicPage = {
    model: null,
    name: null,
    rs485Address: null,
    statusText: null,
    acPowerW: null,
    totalEnergyKwh: null,
    dailyEnergyKwh: null,
    strings: [],
    phases: [],
    valueCells: [],
    placeholders: false,
    problems: [],
  };

  const title = $('font[size="+3"]').first();
  const modelText = cellText(
    title
      .contents()
      .filter((_, n) => n.type === 'text')
      .text(),
  );
  page.model = modelText || null;
  const textOf = memoText(work);
  const rowOf = memoRow();
  const nameMatch = /^(.*?)\s*\((\d+)\)$/.exec(cellText(textOf(title.find('font[size="+1"]').get(0))));
  if (nameMatch) {
    page.name = nameMatch[1] || null;
    page.rs485Address = Number(nameMatch[2]);
  }

  const energies: { label: string; value: number | null }[] = [];
  // Headers may number rows arbitrarily on a hostile page: look rows up by index, not by scan.
  const stringsByIndex = new Map<number, ClassicPage['strings'][number]>();
  const phasesByIndex = new Map<number, ClassicPage['phases'][number]>();
  // Section 0 is the top block (power, energy, status); 1..3 are the string/phase blocks.
  let section = 0;
  let headers: string[] = [];
  let valueSlots = 0;

  const setNumber = (slot: Slot, where: string): number | null => {
    const v = readValue(slot.text);
    if (v.kind === 'number') return v.value;
    if (v.kind === 'placeholder') page.placeholders = true;
    else page.problems.push(`${where}: "${v.text}" is not a number`);
    return null;
  };

  // One pass over the parts that matter, in document order: section headers (`<u>`),
  // the status cell and value slots.
  let headerRow: unknown;
  let slotRow: unknown;
  let side = 0;
  for (const el of $('u, td[colspan="4"], td[bgcolor]').toArray()) {
    const $el = $(el);
    if (el.tagName === 'u') {
      const row = rowOf(el);
      if (row !== headerRow) {
        headerRow = row;
        section++;
        headers = [];
      }
      headers.push(cellText(textOf(el)));
      continue;
    }
    if ($el.attr('colspan') === '4') {
      if (section === 0 && $el.prev('td').length > 0) page.statusText = cellText(textOf(el)) || null;
      continue;
    }
    const row = el.parent;
    if (row !== slotRow) {
      slotRow = row;
      side = 0;
    }
    const slot: Slot = {
      label: cellText(textOf($el.prev('td').get(0))),
      unit: cellText(textOf($el.next('td').get(0))),
      text: cellText(textOf(el)),
      side: side++,
    };
    if (!WHITE.test($el.attr('bgcolor') ?? '')) continue;
    valueSlots++;
    page.valueCells.push(slot.text);
    if (section === 0) readTopSlot(slot);
    else readSectionSlot(slot);
  }

  function readTopSlot(slot: Slot): void {
    if (slot.unit === 'W') page.acPowerW = setNumber(slot, 'AC power');
    else if (slot.unit === 'kWh') energies.push({ label: slot.label, value: setNumber(slot, `energy "${slot.label}"`) });
    else page.problems.push(`value "${slot.text}" has an unknown unit "${slot.unit}"`);
  }

  function readSectionSlot(slot: Slot): void {
    const index = Number(/\d+/.exec(headers[slot.side] ?? '')?.[0] ?? section);
    if (slot.side === 0) {
      let s = stringsByIndex.get(index);
      if (!s) {
        s = { index, voltageV: null, currentA: null };
        stringsByIndex.set(index, s);
        page.strings.push(s);
      }
      if (slot.unit === 'V') s.voltageV = setNumber(slot, `string ${index} voltage`);
      else if (slot.unit === 'A') s.currentA = setNumber(slot, `string ${index} current`);
      else page.problems.push(`string ${index}: value "${slot.text}" has an unknown unit "${slot.unit}"`);
    } else {
      let p = phasesByIndex.get(index);
      if (!p) {
        p = { index, voltageV: null, powerW: null };
        phasesByIndex.set(index, p);
        page.phases.push(p);
      }
      if (slot.unit === 'V') p.voltageV = setNumber(slot, `L${index} voltage`);
      else if (slot.unit === 'W') p.powerW = setNumber(slot, `L${index} power`);
      else page.problems.push(`L${index}: value "${slot.text}" has an unknown unit "${slot.unit}"`);
    }
  }

  if (valueSlots === 0) return { ok: false, error: 'no value cells found: not a PIKO status page' };
  const total = energies.find((e) => TOTAL_LABEL.test(e.label)) ?? energies[0];
  const daily = energies.find((e) => DAILY_LABEL.test(e.label)) ?? energies.find((e) => e !== total);
  page.totalEnergyKwh = total?.value ?? null;
  page.dailyEnergyKwh = daily?.value ?? null;
  if (!total) return { ok: false, error: 'no total energy (kWh) cell found on the page' };
  return { ok: true, value: page };
}

/** Round to the page's own precision for computed U × I. */
function product(u: number | null, i: number | null): number | null {
  return u === null || i === null ? null : Math.round(u * i * 10) / 10;
}

export function classicSnapshot(page: ClassicPage): InverterSnapshot {
  const strings: StringValues[] = page.strings.map((s) => ({ ...s, powerW: product(s.voltageV, s.currentA) }));
  const phases: PhaseValues[] = page.phases.map((p) => ({ index: p.index, voltageV: p.voltageV, currentA: null, powerW: p.powerW }));
  const state = page.statusText === null ? null : stateFromText(page.statusText);
  return {
    generation: 'classic',
    statusText: page.statusText,
    state,
    acPowerW: page.acPowerW,
    totalEnergyKwh: page.totalEnergyKwh,
    dailyEnergyKwh: page.dailyEnergyKwh,
    strings,
    phases,
    placeholders: page.placeholders,
    problems: page.problems,
  };
}
