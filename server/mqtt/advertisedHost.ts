/** The address clients on the LAN use to reach a listener bound to `bindHost`. */
import os from 'node:os';

const ANY = new Set(['0.0.0.0', '::', '']);
/** Container bridges (Docker, the Supervisor's hassio network): not reachable from the LAN. */
const CONTAINER_BRIDGE = /^(docker|hassio|veth|br-)/;

export function advertisedHost(bindHost: string, interfaces: NodeJS.Dict<os.NetworkInterfaceInfo[]> = os.networkInterfaces()): string {
  if (!ANY.has(bindHost)) return bindHost;
  // The add-on runs on the host network: the host's first LAN address is the one to show.
  for (const [name, list] of Object.entries(interfaces)) {
    if (CONTAINER_BRIDGE.test(name)) continue;
    const lan = list?.find((i) => i.family === 'IPv4' && !i.internal);
    if (lan) return lan.address;
  }
  return '127.0.0.1';
}
