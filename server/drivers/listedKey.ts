/**
 * Names the options entry a device comes from by the fields that make it that device (not
 * its poll interval or password), so that a device whose entry was removed or renamed can be
 * told from one that is still listed.
 */
export function listedKey(kind: string, ...identity: (string | number | undefined)[]): string {
  return `${kind}:${JSON.stringify(identity.map((v) => v ?? null))}`;
}
