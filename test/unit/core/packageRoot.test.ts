import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPackageRoot, PackageRootError } from '../../../server/packageRoot.ts';

describe('findPackageRoot', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'wattwire-root-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('walks up past other packages and unreadable manifests to the wattwire package.json', async () => {
    const root = path.join(dir, 'checkout');
    await mkdir(path.join(root, 'dist', 'server', 'sim'), { recursive: true });
    await writeFile(path.join(root, 'package.json'), JSON.stringify({ name: 'wattwire', version: '9.8.7' }));
    await writeFile(path.join(root, 'dist', 'package.json'), '{ not json');
    await writeFile(path.join(root, 'dist', 'server', 'package.json'), JSON.stringify({ name: 'other', version: '1.0.0' }));
    expect(findPackageRoot(path.join(root, 'dist', 'server', 'sim'))).toEqual({ dir: root, version: '9.8.7' });
  });

  it('names where it looked when there is none', async () => {
    const lonely = path.join(dir, 'lonely');
    await mkdir(lonely);
    expect(() => findPackageRoot(lonely)).toThrow(PackageRootError);
    expect(() => findPackageRoot(lonely)).toThrow(`no package.json of wattwire in ${lonely}`);
  });
});
