/**
 * SCOM checksum (Fletcher-style, RFC 1146 appendix I as Studer adapted it): A starts at
 * 0xFF, not 0, so an all-zero range does not checksum to zero. Sent as [A, B].
 */
export function scomChecksum(bytes: Uint8Array, start = 0, end = bytes.length): [number, number] {
  let a = 0xff;
  let b = 0;
  for (const byte of bytes.subarray(start, end)) {
    a = (a + byte) & 0xff;
    b = (b + a) & 0xff;
  }
  return [a, b];
}
