/** The address clients on the LAN use to reach a listener bound to `bindHost`. */
import os from 'node:os';

const ANY = new Set(['0.0.0.0', '::', '']);

export function advertisedHost(bindHost: string, interfaces: NodeJS.Dict<os.NetworkInterfaceInfo[]> = os.networkInterfaces()): string {
  if (!ANY.has(bindHost)) return bindHost;
  // The add-on runs on the host network: the host's first LAN address is the one to show.
  for (const list of Object.values(interfaces)) {
    const lan = list?.find((i) => i.family === 'IPv4' && !i.internal);
    if (lan) return lan.address;
  }
  return '127.0.0.1';
}
