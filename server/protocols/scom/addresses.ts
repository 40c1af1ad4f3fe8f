/** SCOM device addresses (spec §4): families, their unicast ranges and multicast addresses. */
export const DTE_ADDRESS = 1;
export const XCOM_ADDRESS = 501;

export type DeviceFamily = 'xtender' | 'variotrack' | 'variostring' | 'bsp' | 'xcom';

export interface FamilyAddresses {
  first: number;
  last: number;
  /** Write-only multicast to every device of the family. */
  multicast?: number;
}

export const FAMILY_ADDRESSES: Readonly<Record<DeviceFamily, FamilyAddresses>> = {
  xtender: { first: 101, last: 109, multicast: 100 },
  variotrack: { first: 301, last: 315, multicast: 300 },
  variostring: { first: 701, last: 715, multicast: 700 },
  bsp: { first: 601, last: 601, multicast: 600 },
  xcom: { first: 501, last: 501, multicast: 500 },
};

const MULTICAST = new Set([0, 100, 191, 192, 193, 300, 500, 600, 700]);

/** Reads to these are refused by the gateway (error 0x002D). */
export function isMulticast(address: number): boolean {
  return MULTICAST.has(address);
}

export function familyOf(address: number): DeviceFamily | undefined {
  for (const [family, range] of Object.entries(FAMILY_ADDRESSES) as [DeviceFamily, FamilyAddresses][]) {
    if (address >= range.first && address <= range.last) return family;
  }
  return undefined;
}

export function familyAddresses(family: DeviceFamily): number[] {
  const { first, last } = FAMILY_ADDRESSES[family];
  return Array.from({ length: last - first + 1 }, (_, i) => first + i);
}

/** Index of a device within its family as the RCC shows it (101 → 1). */
export function deviceIndex(address: number): number {
  const family = familyOf(address);
  return family ? address - FAMILY_ADDRESSES[family].first + 1 : 0;
}
