/**
 * The GX's D-Bus contents for the simulator, read from the synthetic dbus-flashmq capture
 * (shared/reference/data/victron/synthetic-ess-single-phase.mqtt.tsv): the snapshot that
 * precedes the first heartbeat. Parsed here on its own, not with the driver's codec.
 */
import { readFileSync } from 'node:fs';
import { serverFile } from '../../serverFiles.ts';

export interface SimItem {
  /** `<service>/<instance>/<path>` */
  path: string;
  value: unknown;
  min?: number;
  max?: number;
}

export interface Capture {
  portalId: string;
  items: SimItem[];
}

const CAPTURE_FILE = serverFile('sim/victron/synthetic-ess-single-phase.mqtt.tsv');

export function loadCapture(file: URL = CAPTURE_FILE): Capture {
  const items: SimItem[] = [];
  let portalId = '';
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.startsWith('# --- while alive')) break;
    if (line.startsWith('#') || !line.includes('\t')) continue;
    const [topic = '', payload = ''] = line.split('\t');
    const [, portal, path] = /^N\/([^/]+)\/(.+)$/.exec(topic) ?? [];
    if (portal === undefined || path === undefined || path === 'full_publish_completed' || payload === '') continue;
    portalId = portal;
    const body = JSON.parse(payload) as { value: unknown; min?: number; max?: number };
    items.push({ path, value: body.value, min: body.min, max: body.max });
  }
  if (!portalId) throw new Error(`no N/ topics in ${String(file)}`);
  return { portalId, items };
}
