/**
 * Classic `/index.fhtml` pages built from the real sample pages: the white value cells
 * are refilled in the order of the protocol reference (§2.3, string and phase values
 * interleaved), and the status cell gets the state's text in the page's language.
 */
import { readFileSync } from 'node:fs';
import { serverFile } from '../../serverFiles.ts';
import type { SunPhase } from '../daylight.ts';
import type { LiveValues, ModelShape } from './inverterModel.ts';

export const LAYOUTS = ['8.3-en', '8.3-de', '5.5-de', '5.5-nl', '3.6-en'] as const;
export type Layout = (typeof LAYOUTS)[number];

type Cell = 'ac' | 'total' | 'daily' | `s${1 | 2 | 3}${'u' | 'i'}` | `l${1 | 2 | 3}${'u' | 'p'}`;

const ORDER_2S_3P: Cell[] = ['ac', 'total', 'daily', 's1u', 'l1u', 's1i', 'l1p', 's2u', 'l2u', 's2i', 'l2p', 'l3u', 'l3p'];
const ORDER_3S_3P: Cell[] = ['ac', 'total', 'daily', 's1u', 'l1u', 's1i', 'l1p', 's2u', 'l2u', 's2i', 'l2p', 's3u', 'l3u', 's3i', 'l3p'];
const ORDER_2S_1P: Cell[] = ['ac', 'total', 'daily', 's1u', 'l1u', 's1i', 'l1p', 's2u', 's2i'];

// Texts other than "supply MPP", "Einspeisen MPP", "toevoer MPP", "Leerlauf" and "Aus" are not captured from a real inverter.
const TEXTS = {
  en: { feeding: 'supply MPP', idle: 'idle', off: 'off' },
  de: { feeding: 'Einspeisen MPP', idle: 'Leerlauf', off: 'Aus' },
  nl: { feeding: 'toevoer MPP', idle: 'stationair', off: 'uit' },
};

interface LayoutSpec {
  file: string;
  order: Cell[];
  language: keyof typeof TEXTS;
  shape: ModelShape;
  /** Counter values of the sample page, where the simulated counters start. */
  totalKwh: number;
}

export const LAYOUT_SPECS: Record<Layout, LayoutSpec> = {
  '8.3-en': {
    file: 'piko-8.3-index-en-feeding.html',
    order: ORDER_2S_3P,
    language: 'en',
    shape: { peakW: 7500, activeStrings: 2, strings: 2, phases: 3 },
    totalKwh: 69423,
  },
  '8.3-de': {
    file: 'piko-8.3-index-de-feeding-low.html',
    order: ORDER_2S_3P,
    language: 'de',
    shape: { peakW: 7500, activeStrings: 2, strings: 2, phases: 3 },
    totalKwh: 69424,
  },
  '5.5-de': {
    file: 'piko-5.5-index-de-3strings.html',
    order: ORDER_3S_3P,
    language: 'de',
    shape: { peakW: 5000, activeStrings: 2, strings: 3, phases: 3 },
    totalKwh: 9290,
  },
  '5.5-nl': {
    file: 'piko-5.5-index-nl-3strings.html',
    order: ORDER_3S_3P,
    language: 'nl',
    shape: { peakW: 5000, activeStrings: 2, strings: 3, phases: 3 },
    totalKwh: 41801,
  },
  '3.6-en': {
    file: 'piko-3.6-index-en-single-phase-2strings.html',
    order: ORDER_2S_1P,
    language: 'en',
    shape: { peakW: 3300, activeStrings: 2, strings: 2, phases: 1 },
    totalKwh: 33523,
  },
};

const PAGES_DIR = serverFile('sim/kostal/pages/');

export function samplePage(file: string): Buffer {
  if (!/^[\w.-]+\.html$/.test(file)) throw new Error(`not a sample page name: ${file}`);
  return readFileSync(new URL(file, PAGES_DIR));
}

const WHITE_CELL = /(<td[^>]*bgcolor="#FFFFFF"[^>]*>)([\s\S]*?)(<\/td>)/gi;
const STATUS_CELL = /(<td colspan="4">)([\s\S]*?)(<\/td>)/i;

/** The energy counters as the page shows them: whole kWh in total, today's to 0.01 kWh ('0' when nothing yet). */
export function shownEnergy(totalKwh: number, dailyKwh: number): { total: string; daily: string } {
  return { total: String(Math.floor(totalKwh)), daily: dailyKwh < 0.005 ? '0' : dailyKwh.toFixed(2) };
}

function cellValue(cell: Cell, live: LiveValues, totalKwh: number, dailyKwh: number): string {
  if (cell === 'total' || cell === 'daily') return shownEnergy(totalKwh, dailyKwh)[cell];
  if (cell === 'ac') return String(live.acW);
  const n = Number(cell[1]) - 1;
  const what = cell[2];
  if (cell[0] === 's') {
    const string = live.strings[n];
    if (!string) throw new Error(`layout cell ${cell}: the inverter has ${live.strings.length} strings`);
    return what === 'u' ? String(string.u) : string.i.toFixed(2);
  }
  const phase = live.phases[n];
  if (!phase) throw new Error(`layout cell ${cell}: the inverter has ${live.phases.length} phases`);
  return what === 'u' ? String(phase.u) : String(phase.p);
}

export function renderClassicPage(layout: Layout, phase: SunPhase, live: LiveValues, totalKwh: number, dailyKwh: number): Buffer {
  const spec = LAYOUT_SPECS[layout];
  const template = samplePage(spec.file).toString('latin1');
  const off = phase === 'off' || phase === 'unpowered';
  let i = 0;
  const html = template
    .replace(WHITE_CELL, (_m, open: string, _v: string, close: string) => {
      const cell = spec.order[i++];
      if (cell === undefined) throw new Error(`${spec.file} has more value cells than its layout's ${spec.order.length}`);
      const counter = cell === 'total' || cell === 'daily';
      const value = off && !counter ? 'x x x&nbsp' : cellValue(cell, live, totalKwh, dailyKwh);
      return `${open}\r\n  ${value}${close}`;
    })
    .replace(
      STATUS_CELL,
      (_m, open: string, _v: string, close: string) =>
        `${open}\r\n  ${TEXTS[spec.language][off ? 'off' : phase === 'idle' ? 'idle' : 'feeding']}${close}`,
    );
  return Buffer.from(html, 'latin1');
}
