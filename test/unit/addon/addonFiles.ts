/** The add-on's own files, read from the repository root as the Supervisor reads them. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import type { SupervisorSchema } from './supervisorOptions.ts';

export const repoRoot = path.resolve(import.meta.dirname, '../../..');

export function readRepoFile(relative: string): string {
  return readFileSync(path.join(repoRoot, relative), 'utf8');
}

export function readYaml<T = Record<string, unknown>>(relative: string): T {
  return parse(readRepoFile(relative)) as T;
}

export interface AddonConfig extends Record<string, unknown> {
  version: string;
  options: Record<string, unknown>;
  schema: SupervisorSchema;
}

export const addonConfig = (): AddonConfig => readYaml<AddonConfig>('config.yaml');

export const packageJson = (): { version: string; bin: Record<string, string>; scripts: Record<string, string> } =>
  JSON.parse(readRepoFile('package.json'));
