/**
 * The IVY EM114070 4G meter's heartbeat: a wrapper frame whose payload is
 * `0A 02 0C <12 ASCII digits> 0D <2 check bytes>`, sent when it connects
 * (protocols/dlms-cosem.md §2). The check bytes' algorithm is not documented, so they are
 * not verified; the fixed signature and the digits are.
 */
const SIGNATURE = Buffer.from([0x0a, 0x02, 0x0c]);

/** The 12-digit meter address if `payload` is an IVY heartbeat, else null. */
export function ivyHeartbeatAddress(payload: Buffer): string | null {
  if (payload.length !== 18 || !payload.subarray(0, 3).equals(SIGNATURE) || payload[15] !== 0x0d) return null;
  const digits = payload.subarray(3, 15).toString('latin1');
  return /^\d{12}$/.test(digits) ? digits : null;
}

/** The wrapper header of the heartbeat (version 1, wPorts 1 → 1, 18 bytes) and its payload's signature. */
const HEARTBEAT_HEAD = Buffer.from([0x00, 0x01, 0x00, 0x01, 0x00, 0x01, 0x00, 0x12, ...SIGNATURE]);
export const IVY_HEARTBEAT_BYTES = 26;

/**
 * Does a connection that starts with `head` start with an IVY heartbeat? The address when
 * it does, `'more'` while the bytes so far are a prefix of one, else null. Reads at most
 * the first 26 bytes.
 */
export function ivyHeartbeatAt(head: Buffer): string | 'more' | null {
  const known = Math.min(head.length, HEARTBEAT_HEAD.length);
  if (!head.subarray(0, known).equals(HEARTBEAT_HEAD.subarray(0, known))) return null;
  if (head.length < IVY_HEARTBEAT_BYTES) return 'more';
  return ivyHeartbeatAddress(head.subarray(8, IVY_HEARTBEAT_BYTES));
}
