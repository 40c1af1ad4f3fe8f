/**
 * The classic web server's settings page `/Solar2.fhtml` (kostal-piko.md §2.1), read for the
 * one thing the status page lacks: the serial number. It sits in the settings table's second
 * row, third cell (KostalPyko's XPath `/html/body/form/font/table/tr[2]/td[3]`); the row is
 * found by its label (serial number / Seriennummer / serienummer), else by that position.
 */
import { load } from 'cheerio/slim';
import { decodeLatin1 } from './classicPage.ts';
import type { ParseResult } from './snapshot.ts';

const SERIAL_LABEL = /^seri(al|en)/i;
/** What serial numbers look like (e.g. 90553KSE00123): anything else is not taken as identity. */
const SERIAL = /^[A-Za-z0-9][A-Za-z0-9._-]{3,31}$/;
/** A settings page is a few kilobytes; more is not one. */
const MAX_BYTES = 256 * 1024;

function text(raw: string): string {
  return raw
    .replace(/\u00a0/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

export function parseSettingsSerial(input: Uint8Array): ParseResult<string> {
  if (input.length > MAX_BYTES) return { ok: false, error: `the page is larger than ${MAX_BYTES} bytes` };
  const $ = load(decodeLatin1(input));
  const rows = $('tr')
    .toArray()
    .map((tr) =>
      $(tr)
        .children('td')
        .toArray()
        .map((td) => text($(td).text())),
    );
  const labelled = rows.find((cells) => cells.some((c) => SERIAL_LABEL.test(c)));
  let candidate: string | undefined;
  if (labelled) candidate = labelled[labelled.findIndex((c) => SERIAL_LABEL.test(c)) + 1];
  else {
    // The header table (model, logo) comes first; the settings table is the next with a third cell in row 2.
    const tables = $('table').toArray().slice(1);
    for (const table of tables) {
      const second = $(table).find('tr').eq(1).children('td').eq(2);
      if (second.length > 0) {
        candidate = text(second.text());
        break;
      }
    }
  }
  if (candidate === undefined) return { ok: false, error: 'no serial number row in the settings table' };
  if (!SERIAL.test(candidate)) return { ok: false, error: `"${candidate.slice(0, 40)}" does not look like a serial number` };
  return { ok: true, value: candidate };
}
