/**
 * Serial ports for the UI and every serial driver: stable /dev/serial/by-id paths first
 * (they survive re-plugging and renumbering), then the remaining kernel names.
 */
import { readdir, realpath } from 'node:fs/promises';
import path from 'node:path';
import { SerialPort } from 'serialport';

export interface SerialPortEntry {
  /** What to put in the options: the by-id path when there is one. */
  path: string;
  /** The kernel device it points to now (e.g. /dev/ttyUSB0). */
  device: string;
  byId: boolean;
  manufacturer?: string;
  serialNumber?: string;
}

const BY_ID_DIR = '/dev/serial/by-id';

export async function listSerialPorts(byIdDir = BY_ID_DIR): Promise<SerialPortEntry[]> {
  const byId: SerialPortEntry[] = [];
  const names = await readdir(byIdDir).catch(() => [] as string[]);
  for (const name of names.sort()) {
    const link = path.join(byIdDir, name);
    const device = await realpath(link).catch(() => undefined);
    if (device) byId.push({ path: link, device, byId: true });
  }
  const listed = await SerialPort.list().catch(() => []);
  const covered = new Set(byId.map((p) => p.device));
  const rest: SerialPortEntry[] = [];
  for (const port of listed) {
    const device = await realpath(port.path).catch(() => port.path);
    const entry = byId.find((p) => p.device === device);
    if (entry) {
      entry.manufacturer = port.manufacturer;
      entry.serialNumber = port.serialNumber;
    } else if (!covered.has(device)) {
      rest.push({ path: port.path, device, byId: false, manufacturer: port.manufacturer, serialNumber: port.serialNumber });
    }
  }
  return [...byId, ...rest.sort((a, b) => a.path.localeCompare(b.path))];
}
