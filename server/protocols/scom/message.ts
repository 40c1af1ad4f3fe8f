/** The Xcom-232i message object (object type 3, spec §6.3): the event history. */
import type { Decoded } from './frame.ts';

export interface ScomMessage {
  /** Messages still stored in the gateway. */
  total: number;
  type: number;
  /** SCOM address of the device that raised it. */
  source: number;
  /** Seconds since 1970. */
  timestamp: number;
}

export const MESSAGE_LENGTH = 18;

export function decodeMessage(data: Uint8Array): Decoded<ScomMessage> {
  if (data.length !== MESSAGE_LENGTH) return { ok: false, error: `message needs ${MESSAGE_LENGTH} bytes, got ${data.length}` };
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  return {
    ok: true,
    value: {
      total: view.getInt32(0, true),
      type: view.getUint16(4, true),
      source: view.getInt32(6, true),
      timestamp: view.getInt32(10, true),
    },
  };
}

/** First entries of the appendix's RCC message list (spec §8.3). */
const MESSAGE_TEXTS: Readonly<Record<number, string>> = {
  0: 'Warning: battery low',
  1: 'Warning: battery too high',
  2: 'Warning: bulk charge too long',
  3: 'AC-In synchronization in progress',
  4: 'Warning: input frequency AC-In wrong',
  5: 'Warning: input frequency AC-In wrong',
  6: 'Warning: input voltage AC-In too high',
  7: 'Warning: input voltage AC-In too low',
  8: 'Halted: inverter overload SC',
  9: 'Halted: charger short circuit',
  10: 'System start-up in progress',
  11: 'Warning: AC-In energy quota',
  14: 'Halted: over temperature EL',
  15: 'Halted: inverter overload BL',
  16: 'Warning: fan error detected',
  18: 'Warning: excessive battery voltage ripple',
  19: 'Halted: battery undervoltage',
  20: 'Halted: battery overvoltage',
  21: 'Transfer not authorized, AC-Out current higher than {1107}',
  22: 'Halted: voltage presence on AC-Out',
  23: 'Halted: phase not defined',
  24: 'Warning: change the clock battery',
  41: 'Warning: over temperature TR',
  42: 'Halted: unauthorized energy source at the output',
  49: 'Transfer opened because AC-In max current exceeded {1107}',
  58: 'Halted: master synchronization missing',
  59: 'Halted: inverter overload HW',
  62: 'Warning: genset, no AC-In after AUX command',
  162: 'Error: communication loss with RCC or Xcom-232i',
  216: 'Warning: SCOM watchdog caused the reset of Xcom-232i',
};

export function messageText(type: number): string {
  return MESSAGE_TEXTS[type] ?? `Message ${String(type).padStart(3, '0')}`;
}

/** Halted/Error messages are alarms, the rest warnings or information. */
export function messageSeverity(type: number): 'alarm' | 'warning' | 'info' {
  const text = messageText(type);
  if (text.startsWith('Halted') || text.startsWith('Error')) return 'alarm';
  if (text.startsWith('Warning')) return 'warning';
  return 'info';
}
