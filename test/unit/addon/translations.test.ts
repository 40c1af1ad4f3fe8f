/** translations/en.yaml labels every option, nested fields included, and nothing else. */
import { describe, expect, it } from 'vitest';
import { addonConfig, readYaml } from './addonFiles.ts';
import type { SchemaElement } from './supervisorOptions.ts';

interface Translation {
  name?: unknown;
  description?: unknown;
  fields?: Record<string, Translation>;
}

/** Problems against the Supervisor's SCHEMA_ADDON_TRANSLATIONS and config.yaml's schema. */
function translationProblems(schema: Record<string, SchemaElement>, labels: Record<string, Translation> | undefined, at = ''): string[] {
  const problems: string[] = [];
  for (const [key, el] of Object.entries(schema)) {
    const label = labels?.[key];
    const where = `${at}${key}`;
    if (!label) {
      problems.push(`${where}: no translation`);
      continue;
    }
    if (typeof label.name !== 'string' || label.name.trim() === '') problems.push(`${where}: no name`);
    if (typeof label.description !== 'string' || label.description.trim() === '') problems.push(`${where}: no description`);
    const nested = Array.isArray(el) ? el[0] : el;
    if (typeof nested === 'object' && !Array.isArray(nested)) problems.push(...translationProblems(nested, label.fields, `${where}.`));
    else if (label.fields) problems.push(`${where}: has fields but is not a dict`);
  }
  for (const key of Object.keys(labels ?? {})) if (!(key in schema)) problems.push(`${at}${key}: translated but not an option`);
  return problems;
}

describe('translations/en.yaml', () => {
  const translations = readYaml<{ configuration: Record<string, Translation>; network?: unknown }>('translations/en.yaml');

  it('has only the keys the Supervisor reads', () => {
    expect(Object.keys(translations).filter((k) => k !== 'configuration' && k !== 'network')).toEqual([]);
  });

  it('names and describes every option, recursively, and nothing else', () => {
    expect(translationProblems(addonConfig().schema, translations.configuration)).toEqual([]);
  });

  it('the check finds a missing field label and a stale one', () => {
    const schema = { mqtt: { host: 'str?', port: 'port?' }, kostal: [{ host: 'str' }] };
    const labels = {
      mqtt: { name: 'MQTT', description: 'Broker', fields: { host: { name: 'Host', description: 'Name' } } },
      kostal: { name: 'Kostal', description: 'Inverters', fields: { host: { name: 'Host' }, ip: { name: 'IP', description: 'old' } } },
      old: { name: 'Old', description: 'Removed' },
    };
    expect(translationProblems(schema, labels)).toEqual([
      'mqtt.port: no translation',
      'kostal.host: no description',
      'kostal.ip: translated but not an option',
      'old: translated but not an option',
    ]);
  });
});
