/**
 * The serialport package (native bindings, about 10 MB resident), loaded the first time a
 * port is opened: a bridge without serial devices never pays for it.
 */
import type { SerialPort } from 'serialport';

let loading: Promise<typeof SerialPort> | undefined;

export function loadSerialPort(): Promise<typeof SerialPort> {
  loading ??= import('serialport').then((m) => m.SerialPort);
  return loading;
}
