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
