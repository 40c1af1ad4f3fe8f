/**
 * VRM cloud broker host for an installation (victron-venus-mqtt.md §4): the sum of the
 * character codes of the portal id (trimmed, lower case) modulo 128 picks one of 128 brokers.
 */
export const VRM_PORT = 8883;

export function vrmBrokerIndex(portalId: string): number {
  let sum = 0;
  for (const ch of portalId.trim().toLowerCase()) sum += ch.charCodeAt(0);
  return sum % 128;
}

export function vrmBrokerHost(portalId: string): string {
  return `mqtt${vrmBrokerIndex(portalId)}.victronenergy.com`;
}
