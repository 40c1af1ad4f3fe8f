/**
 * The panel of a standalone bridge on a LAN address with WATTWIRE_HTTP_TOKEN, opened by a
 * browser on another host (127.0.0.2): it asks for the token once, then works, live stream
 * included.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { WattwireApp } from '../../server/app.ts';
import type { DeviceHandle } from '../../server/core/hub.ts';
import { optionsSchema } from '../../server/options/schema.ts';
import { freePort } from '../support/ports.ts';

const TOKEN = 'standalone-e2e-token-0123456789';
let dataDir: string;
let app: WattwireApp;
let browser: Browser;
let meter: DeviceHandle;
let pageUrl: string;

beforeAll(async () => {
  if (!existsSync('ui/dist/index.html'))
    await promisify(execFile)(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'error']);
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'wattwire-standalone-'));
  const httpPort = await freePort();
  app = new WattwireApp({
    options: optionsSchema.parse({ log_level: 'error', dlt645: { listen: false } }),
    env: { dataDir, httpPort, mqttPort: await freePort(), mqttWsPort: 0, httpHost: '0.0.0.0', httpToken: TOKEN },
    uiDir: 'ui/dist',
  });
  await app.start();
  meter = app.hub.addDevice({ id: 'lan_meter', kind: 'dlt645', name: 'LAN meter' }, [{ key: 'power', name: 'Power', unit: 'W' }], {});
  meter.setStatus('online');
  meter.publish([{ key: 'power', value: 1111 }]);
  pageUrl = `http://127.0.0.2:${httpPort}/`;
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--headless', '--disable-gpu'] });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
}, 60_000);

describe('standalone panel with a token', () => {
  it('asks for the token once, then shows live values', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${pageUrl}#/`);
    await page.getByLabel('Access token').fill('not-the-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText(/Wrong token/).waitFor();
    await page.goto(`${pageUrl}#/`);
    await page.getByLabel('Access token').fill(TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const value = page.locator('article:has(#dev-lan_meter) tr[data-key="power"] .value');
    await expect.poll(() => value.textContent(), { timeout: 15_000 }).toBe('1111');
    expect(page.url()).not.toContain('token');
    meter.publish([{ key: 'power', value: 2222 }]);
    await expect.poll(() => value.textContent(), { timeout: 15_000 }).toBe('2222');
    // A reload keeps the session: no second question.
    await page.reload();
    await expect.poll(() => value.textContent(), { timeout: 15_000 }).toBe('2222');
    expect(await page.getByLabel('Access token').count()).toBe(0);
    await context.close();
  });
});
