/**
 * Under the Supervisor only the ingress proxy (172.30.32.2) and loopback may reach the UI:
 * the add-on runs with host networking, so port 8099 is otherwise open to the LAN.
 */
const INGRESS_PROXY = '172.30.32.2';

export function isAllowedPeer(remoteAddress: string | undefined): boolean {
  if (!remoteAddress) return false;
  const addr = remoteAddress.startsWith('::ffff:') ? remoteAddress.slice(7) : remoteAddress;
  return addr === INGRESS_PROXY || addr === '::1' || addr.startsWith('127.');
}
