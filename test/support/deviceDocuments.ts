/**
 * Real device documents, read from the one copy the simulators serve (and the image ships):
 * the Kostal PIKO pages and DXS response in server/sim/kostal/, the Itron meter crawl in
 * server/sim/itron/crawl/. Test oracles about them stay in test/fixtures/.
 */
import { readFileSync } from 'node:fs';

const KOSTAL_PAGES = new URL('../../server/sim/kostal/pages/', import.meta.url);
const KOSTAL_DATA = new URL('../../server/sim/kostal/data/', import.meta.url);

/** A PIKO `index.fhtml` page (`piko-*.html`), as the inverter sends its bytes. */
export const kostalPage = (name: string): Buffer => readFileSync(new URL(name, KOSTAL_PAGES));

/** A DXS `/api/dxs.json` response. */
export const kostalDxs = (name: string): string => readFileSync(new URL(name, KOSTAL_DATA), 'utf8');

export const ITRON_DOCUMENTS = new URL('../../server/sim/itron/crawl/', import.meta.url);

/** The schema-shaped documents the simulator serves beside the real crawl. */
export const ITRON_SYNTHETIC = ['dcap.xml', 'sdev.xml', 'sdev-sdi.xml', 'tm.xml', 'upt-1-mr-page-s0-l22.xml'];

export interface CrawlEntry {
  path: string;
  root: string;
  file: string;
}

/** Every document of the real crawl: its GET path, root element and file (path with `/` → `_`). */
export const ITRON_CRAWL: CrawlEntry[] = JSON.parse(readFileSync(new URL('../fixtures/itron/crawl-index.json', import.meta.url), 'utf8'));

export const itronDocument = (file: string): string => readFileSync(new URL(file, ITRON_DOCUMENTS), 'utf8');
