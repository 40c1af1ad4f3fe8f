/**
 * Reading a byte whose index a length check already bounded. With noUncheckedIndexedAccess an
 * index read may be undefined; here that can only be a bug in the check, so it is reported as
 * one (a RangeError naming the index) instead of flowing on as NaN.
 */
export function byteAt(bytes: Uint8Array, index: number): number {
  const b = bytes[index];
  if (b === undefined) throw new RangeError(`byte ${index} read past the end of ${bytes.length} bytes`);
  return b;
}
