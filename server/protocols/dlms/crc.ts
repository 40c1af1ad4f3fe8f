/** CRC-16/X.25 (reflected 0x1021, init 0xFFFF, xorout 0xFFFF): HDLC HCS and FCS. */
const TABLE = (() => {
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x8408 : c >>> 1;
    t[i] = c;
  }
  return t;
})();

export function crc16x25(buf: Uint8Array, start = 0, end = buf.length): number {
  let crc = 0xffff;
  // The index is masked to the table's 256 entries.
  for (const b of buf.subarray(start, end)) crc = (crc >>> 8) ^ (TABLE[(crc ^ b) & 0xff] as number);
  return (crc ^ 0xffff) & 0xffff;
}
