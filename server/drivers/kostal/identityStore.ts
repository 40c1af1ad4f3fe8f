/**
 * What was learnt about an inverter (identity, generation, whether it was last seen quiet),
 * kept in the data directory so that a restart at night still knows the device and that
 * its silence means sleep. Kept by host and, once known, by serial number too: an inverter
 * found at a new address (DHCP) is still the same device with the same entities.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { InverterIdentity } from './inverterClient.ts';
import type { LastSeen } from './nightWatch.ts';

export interface StoredInverter {
  deviceId: string;
  identity: InverterIdentity;
  lastSeen?: LastSeen;
  /** The id entity unique ids are built from when it is not `deviceId` (a device moved from its host-based id). */
  uniqueIdBase?: string;
}

export class IdentityStore {
  private readonly file: string;

  constructor(dataDir: string, host: string) {
    this.file = path.join(dataDir, 'kostal', `${host.replace(/[^A-Za-z0-9_-]+/g, '_')}.json`);
  }

  /** The record kept under the inverter's serial number. */
  static bySerial(dataDir: string, serial: string): IdentityStore {
    return new IdentityStore(dataDir, `serial-${serial}`);
  }

  async load(): Promise<StoredInverter | undefined> {
    try {
      const data = JSON.parse(await readFile(this.file, 'utf8')) as StoredInverter;
      return typeof data.deviceId === 'string' && typeof data.identity === 'object' ? data : undefined;
    } catch {
      return undefined;
    }
  }

  async save(data: StoredInverter): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true });
    await writeFile(this.file, JSON.stringify(data));
  }
}
