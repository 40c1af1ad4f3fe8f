/**
 * What was learnt about a device (its identity from model 1, its entities, whether it was
 * last seen quiet), kept in the data directory by address, port and unit id: after a
 * restart, even at night, the device is listed under its own id with its entities, and an
 * inverter's silence still means sleep.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { RegisterDescriptor } from '../../core/registers.ts';
import type { LastSeen } from './nightWatch.ts';
import type { Identity } from './identity.ts';

export interface StoredDevice {
  identity: Identity;
  registers: RegisterDescriptor[];
  /** The device has an inverter model (it can sleep). */
  inverter: boolean;
  lastSeen?: LastSeen;
}

export class DeviceStore {
  private readonly file: string;

  constructor(dataDir: string, host: string, port: number, unitId: number) {
    this.file = path.join(dataDir, 'sunspec', `${host.replace(/[^A-Za-z0-9_-]+/g, '_')}_${port}_${unitId}.json`);
  }

  async load(): Promise<StoredDevice | undefined> {
    try {
      const data = JSON.parse(await readFile(this.file, 'utf8')) as StoredDevice;
      const ok = typeof data.identity === 'object' && data.identity !== null && Array.isArray(data.registers);
      return ok ? data : undefined;
    } catch {
      return undefined;
    }
  }

  async save(data: StoredDevice): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true });
    await writeFile(this.file, JSON.stringify(data));
  }
}
