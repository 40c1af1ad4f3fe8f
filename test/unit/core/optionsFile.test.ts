import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseOptions, readEnvironment, readOptionsFile, saveOptions } from '../../../server/options/load.ts';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the standalone options file', () => {
  it('is written for the owner only, even over a wider old file and a leftover temp file', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'wattwire-options-'));
    const file = path.join(dir, 'options.json');
    await writeFile(file, '{}', { mode: 0o644 });
    await writeFile(`${file}.tmp`, 'half written', { mode: 0o644 });
    const options = parseOptions({ kostal: [{ host: '10.0.0.5', password: 'piko-pw' }] });
    await saveOptions(options, { optionsFile: file, dataDir: dir, httpPort: 0, mqttPort: 0, mqttWsPort: 0 });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(file, 'utf8')).kostal[0].password).toBe('piko-pw');
  });

  it('takes the web bind address and token from the environment', () => {
    const env = readEnvironment({ WATTWIRE_HTTP_HOST: '0.0.0.0', WATTWIRE_HTTP_TOKEN: 'a-long-enough-token' });
    expect(env).toMatchObject({ httpHost: '0.0.0.0', httpToken: 'a-long-enough-token' });
    expect(readEnvironment({})).toMatchObject({ httpHost: undefined, httpToken: undefined });
  });

  it('names the line and column of a JSON mistake, also where JSON.parse gives no position, without quoting the file', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'wattwire-options-'));
    const file = path.join(dir, 'options.json');
    await writeFile(file, '{\n  "mqtt": {\n    "password": "hunter2"\n    "host": "b"\n  }\n}');
    await expect(readOptionsFile(file)).rejects.toThrow(
      `options file ${file} is not valid JSON: line 4, column 5: Expected ',' or '}' after property value`,
    );
    await writeFile(file, '{\n  "mqtt": {\n    "password": "hunter2",\n    "port": tru\n  }\n}');
    const noPosition = readOptionsFile(file);
    await expect(noPosition).rejects.toThrow(`options file ${file} is not valid JSON: line 4, column 16: Unexpected token`);
    await expect(noPosition).rejects.not.toThrow(/hunter2/);
  });

  it('names the line and column of a YAML mistake', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'wattwire-options-'));
    const file = path.join(dir, 'options.yaml');
    await writeFile(file, 'mqtt:\n  password: hunter2\n  host: broker: 1883\n');
    await expect(readOptionsFile(file)).rejects.toThrow(
      new RegExp(`^options file ${file} is not valid YAML: line 3, column \\d+: [^\\n]+$`),
    );
    await expect(readOptionsFile(file)).rejects.not.toThrow(/hunter2/);
  });
});
