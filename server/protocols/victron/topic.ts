/**
 * Venus OS MQTT topic grammar: `N|R|W/<portalId>/<service>/<instance>/<D-Bus path>` plus the
 * special topics of the keep-alive (victron-venus-mqtt.md §2). Pure: strings in, records out.
 */

/** A value topic: one D-Bus path of one service instance. */
export interface ValueTopic {
  kind: 'value';
  portalId: string;
  service: string;
  instance: string;
  /** D-Bus path without the leading slash, e.g. `Ac/Grid/L1/Power`. */
  path: string;
}

/** `heartbeat` and `full_publish_completed` come from dbus-flashmq; `keepalive` from dbus-mqtt ≥ Venus 2.80. */
export interface SpecialTopic {
  kind: 'heartbeat' | 'full_publish_completed' | 'keepalive';
  portalId: string;
}

export type Notification = ValueTopic | SpecialTopic;

const SPECIAL = new Set(['heartbeat', 'full_publish_completed', 'keepalive']);

/** Real topics are under 150 characters and 10 levels; longer ones are dropped before splitting. */
export const MAX_TOPIC_LENGTH = 512;
export const MAX_TOPIC_LEVELS = 32;

/**
 * Parse a notification topic received with `prefix` (empty, or e.g. `victron/` for a bridged
 * broker). Returns undefined for anything that is not an `N/` topic of the grammar.
 */
export function parseNotification(topic: string, prefix = ''): Notification | undefined {
  if (!topic.startsWith(prefix)) return undefined;
  // Checked before splitting, so a hostile topic never becomes thousands of strings.
  if (topic.length - prefix.length > MAX_TOPIC_LENGTH) return undefined;
  const parts = topic.slice(prefix.length).split('/');
  if (parts.length > MAX_TOPIC_LEVELS) return undefined;
  const [root, portalId, service, instance, ...path] = parts;
  if (root !== 'N' || !portalId || service === undefined) return undefined;
  if (parts.length === 3 && SPECIAL.has(service)) return { kind: service as SpecialTopic['kind'], portalId };
  if (instance === undefined || path.length === 0 || parts.slice(2).some((p) => p === '')) return undefined;
  return { kind: 'value', portalId, service, instance, path: path.join('/') };
}

/** `<service>/<instance>/<path>`: the part after the portal id, as keep-alive filters and patterns use it. */
export function servicePath(t: Pick<ValueTopic, 'service' | 'instance' | 'path'>): string {
  return `${t.service}/${t.instance}/${t.path}`;
}

/** Read or write request topic for a full service path. Wildcards are not allowed there. */
export function requestTopic(verb: 'R' | 'W', portalId: string, fullPath: string, prefix = ''): string {
  if (/[+#]/.test(fullPath)) throw new Error(`"${fullPath}": wildcards are not allowed in ${verb}/ topics`);
  return `${prefix}${verb}/${portalId}/${fullPath}`;
}

export function keepaliveTopic(portalId: string, prefix = ''): string {
  return `${prefix}R/${portalId}/keepalive`;
}

/** Subscription for every notification of one installation (what the VRM brokers allow). */
export function notificationFilter(portalId: string, prefix = ''): string {
  return `${prefix}N/${portalId}/#`;
}

/** Subscription that learns the portal id from the retained serial topic. */
export function serialDiscoveryFilter(prefix = ''): string {
  return `${prefix}N/+/system/0/Serial`;
}

/**
 * Does an MQTT-style filter (`+` one level, trailing `#` the rest) match a service path?
 * Used for the keep-alive topic list and for `extra_paths` patterns.
 */
export function filterMatches(filter: string, path: string): boolean {
  const f = filter.split('/');
  const p = path.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return i === f.length - 1;
    if (i >= p.length) return false;
    if (f[i] !== '+' && f[i] !== p[i]) return false;
  }
  return f.length === p.length;
}

/**
 * A service-path filter as the keep-alive list and `extra_paths` take it: at least
 * `<service>/<instance>/<path>` levels, `+` a whole level, `#` only as the last level.
 */
export function isValidFilter(filter: string): boolean {
  const parts = filter.split('/');
  if (parts.some((p) => p === '' || (p.length > 1 && /[+#]/.test(p)))) return false;
  const hash = parts.indexOf('#');
  if (hash !== -1 && hash !== parts.length - 1) return false;
  return parts.length >= 3 || (hash !== -1 && parts.length >= 2);
}

/** Split a comma-separated filter list; blanks are dropped. */
export function splitFilterList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
