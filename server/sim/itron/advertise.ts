/**
 * DNS-SD announcement of the simulated meter (protocols/ieee2030-5.md §2): `_smartenergy._tcp`
 * with the `upt` and `edev-<SFDI>` subtypes and the 2030.5 TXT keys; the instance name
 * carries the meter's LFDI so that a client finds the same meter at a new address. Like real
 * meters now and then (a radio dozing through the multicast burst), it can leave the first
 * browse unanswered (`missFirstBrowse`) and answer the next query; such a meter announces
 * itself once, as it did long before anyone browses, not again every few seconds.
 */
import { Bonjour } from 'bonjour-service';

interface QueryEmitter {
  listeners(event: 'query'): ((...args: unknown[]) => void)[];
  removeAllListeners(event: 'query'): void;
  on(event: 'query', fn: (query: { questions: { name: string; type: string }[] }, ...rest: unknown[]) => void): void;
  respond(packet: unknown, cb?: () => void): void;
}

const BROWSE_QUESTION = '_smartenergy._tcp.local';
/** One browse query arrives once per interface it was sent on: all of them are the first browse. */
const BURST_MS = 500;

/** Drop the first browse (its queries within BURST_MS) before bonjour-service's responder sees it. */
function missFirstBrowse(bonjour: Bonjour): void {
  const mdns = (bonjour as unknown as { server: { mdns: QueryEmitter } }).server.mdns;
  const responders = mdns.listeners('query');
  mdns.removeAllListeners('query');
  let firstAt: number | undefined;
  let answering = false;
  mdns.on('query', (query, ...rest) => {
    if (query.questions.some((q) => q.name === BROWSE_QUESTION && q.type === 'PTR')) {
      firstAt ??= Date.now();
      if (Date.now() - firstAt < BURST_MS) return;
    }
    answering = true;
    try {
      for (const respond of responders) respond.call(mdns, query, ...rest);
    } finally {
      answering = false;
    }
  });
  // Answers go out; of the unsolicited announcements only the first.
  const respond = mdns.respond.bind(mdns);
  let announced = false;
  mdns.respond = (packet, cb) => {
    if (answering || !announced) {
      announced ||= !answering;
      respond(packet, cb);
    } else cb?.();
  };
}

export interface Advertisement {
  /** The first announcement went out. */
  ready: Promise<void>;
  stop(): Promise<void>;
}

export function advertiseMeter(opts: {
  lfdi: string;
  port: number;
  name?: string;
  host?: string;
  missFirstBrowse?: boolean;
}): Advertisement {
  const bonjour = new Bonjour();
  if (opts.missFirstBrowse) missFirstBrowse(bonjour);
  const sfdi = sfdiOf(opts.lfdi).padStart(12, '0');
  const service = bonjour.publish({
    name: opts.name ?? `Itron meter ${opts.lfdi}`,
    type: 'smartenergy',
    protocol: 'tcp',
    port: opts.port,
    ...(opts.host ? { host: opts.host } : {}),
    subtypes: ['upt', `edev-${sfdi}`],
    txt: { txtvers: '1', dcap: '/dcap', path: '/upt', https: String(opts.port), level: '-S1' },
  });
  return {
    ready: new Promise<void>((resolve) => service.once('up', () => resolve())),
    stop: () =>
      new Promise<void>((resolve) => {
        service.stop?.(() => bonjour.destroy(() => resolve()));
      }),
  };
}

/** IEEE 2030.5 §6.3.3: first 36 bits of the LFDI in decimal, plus a check digit. */
function sfdiOf(lfdi: string): string {
  const n = BigInt(`0x${lfdi.slice(0, 9)}`);
  const sum = [...n.toString()].reduce((a, d) => a + Number(d), 0);
  return `${n}${(10 - (sum % 10)) % 10}`;
}
