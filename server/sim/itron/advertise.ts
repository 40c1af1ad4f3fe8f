/**
 * DNS-SD announcement of the simulated meter (protocols/ieee2030-5.md §2): `_smartenergy._tcp`
 * with the `upt` and `edev-<SFDI>` subtypes and the 2030.5 TXT keys; the instance name
 * carries the meter's LFDI so that a client finds the same meter at a new address.
 */
import { Bonjour } from 'bonjour-service';

export interface Advertisement {
  stop(): Promise<void>;
}

export function advertiseMeter(opts: { lfdi: string; port: number; name?: string; host?: string }): Advertisement {
  const bonjour = new Bonjour();
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
