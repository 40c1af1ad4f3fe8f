/**
 * mDNS / DNS-SD discovery of 2030.5 meters (`_smartenergy._tcp`, host networking needed).
 * Used by onboarding (list what answers) and by the driver to find a meter again by its
 * LFDI when its address changed. A browse asks more than once (after 1 s, then at doubling
 * intervals, as RFC 6762 §5.2 has it): a lost first query or answer used to make the whole
 * browse miss a meter that answered the next one.
 */
import type { Service } from 'bonjour-service';
import { SMART_ENERGY_SERVICE, isMeter, smartEnergyServer, type SmartEnergyServer } from '../../protocols/ieee2030_5/dnssd.ts';

/** Browse for `timeoutMs` and return every meter that answered (deduplicated by name). */
export function browseSmartEnergy(timeoutMs: number): Promise<SmartEnergyServer[]> {
  return browse(timeoutMs, () => false);
}

/** The meter with this LFDI, or null when it did not answer within `timeoutMs`. */
export async function findMeterByLfdi(lfdi: string, timeoutMs: number): Promise<SmartEnergyServer | null> {
  const found = await browse(timeoutMs, (s) => isMeter(s, lfdi));
  return found.find((s) => isMeter(s, lfdi)) ?? null;
}

const FIRST_REQUERY_MS = 1000;

// The mDNS library loads with the first browse: a meter with a configured host never needs it.
async function browse(timeoutMs: number, stopWhen: (s: SmartEnergyServer) => boolean): Promise<SmartEnergyServer[]> {
  const { Bonjour } = await import('bonjour-service');
  return new Promise((resolve) => {
    const bonjour = new Bonjour(undefined, () => undefined);
    const servers = new Map<string, SmartEnergyServer>();
    let done = false;
    let requery: NodeJS.Timeout | undefined;
    const ask = (afterMs: number) => {
      requery = setTimeout(() => {
        browser.update();
        ask(afterMs * 2);
      }, afterMs);
    };
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      clearTimeout(requery);
      browser.stop();
      bonjour.destroy();
      resolve([...servers.values()]);
    };
    const onService = (svc: Service) => {
      const s = smartEnergyServer({
        name: svc.name,
        host: svc.host,
        port: svc.port,
        addresses: svc.addresses,
        refererAddress: svc.referer?.address,
        subtypes: svc.subtypes,
        txt: svc.txt as Record<string, unknown> | undefined,
      });
      if (!s) return;
      servers.set(s.name, s);
      if (stopWhen(s)) finish();
    };
    const browser = bonjour.find({ type: SMART_ENERGY_SERVICE, protocol: 'tcp' }, onService);
    browser.on('srv-update', onService);
    browser.on('txt-update', onService);
    const timer = setTimeout(finish, timeoutMs);
    ask(FIRST_REQUERY_MS);
  });
}
