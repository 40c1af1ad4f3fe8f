/** Control code C: bit 7 direction, bit 6 error, bit 5 follow-up, bits 4..0 function. */
export const FUNCTION = {
  broadcastTime: 0x08,
  readData: 0x11,
  readFollowUp: 0x12,
  readAddress: 0x13,
  writeData: 0x14,
  writeAddress: 0x15,
} as const;

export interface ControlBits {
  /** D7: a slave's reply rather than a master's command. */
  fromSlave: boolean;
  /** D6: abnormal (error) reply. */
  error: boolean;
  /** D5: more frames follow (read them with 0x12). 0xB1 is a normal reply with follow-up. */
  followUp: boolean;
  func: number;
}

export function controlBits(control: number): ControlBits {
  return {
    fromSlave: (control & 0x80) !== 0,
    error: (control & 0x40) !== 0,
    followUp: (control & 0x20) !== 0,
    func: control & 0x1f,
  };
}

/** True when `reply` is any slave answer (normal, follow-up or error) to a request with `requestControl`. */
export function answersRequest(requestControl: number, reply: number): boolean {
  return (reply & 0x80) !== 0 && (reply & 0x1f) === (requestControl & 0x1f);
}
