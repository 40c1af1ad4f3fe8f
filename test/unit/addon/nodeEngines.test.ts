/**
 * The README promises Node 20: every package the lock installs must admit every Node 20
 * release from the project's own floor, or `npm ci` warns (EBADENGINE) and the package
 * may use what Node 20 lacks.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { readRepoFile } from './addonFiles.ts';

interface Semver {
  subset(sub: string, dom: string): boolean;
  minVersion(range: string): { major: number; version: string } | null;
}
const semver = createRequire(import.meta.url)('semver') as Semver;

interface LockedPackage {
  version?: string;
  dev?: boolean;
  engines?: { node?: string };
}
const lock = JSON.parse(readRepoFile('package-lock.json')) as { packages: Record<string, LockedPackage> };
const ownRange = JSON.parse(readRepoFile('package.json')).engines.node as string;

/** Locked packages whose engines.node leaves out some Node 20 release from `floor` on. */
function refusingNode20(floor: string, which: (pkg: LockedPackage) => boolean): string[] {
  const node20 = `>=${floor} <21.0.0-0`;
  return Object.entries(lock.packages)
    .filter(([name, pkg]) => name !== '' && which(pkg) && pkg.engines?.node !== undefined)
    .filter(([, pkg]) => !semver.subset(node20, pkg.engines!.node!))
    .map(([name, pkg]) => `${name}@${pkg.version} wants node ${pkg.engines!.node}`);
}

describe('Node 20 support', () => {
  const floor = semver.minVersion(ownRange);

  it("starts the project's own engines range in Node 20", () => {
    expect(floor?.major).toBe(20);
  });

  it('installs no production package that refuses a Node 20 release', () => {
    expect(refusingNode20(floor!.version, (pkg) => !pkg.dev)).toEqual([]);
  });

  it('installs no development package that refuses one either, so npm ci warns of nothing', () => {
    expect(refusingNode20(floor!.version, (pkg) => pkg.dev === true)).toEqual([]);
  });
});
