/**
 * The ingress UI end to end: the demo app behind a stand-in for Home Assistant's ingress
 * proxy, driven by headless Chromium. Screenshots of every page go to test-artifacts/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startDemo, type Demo } from '../../server/demo.ts';
import type { DeviceHandle } from '../../server/core/hub.ts';
import { DEFINITIONS } from '../../server/drivers/registry.ts';
import { freePort, waitFor } from '../support/ports.ts';
import { startIngressProxy, type IngressProxy } from './ingressProxy.ts';

const ARTIFACTS = path.resolve('test-artifacts');
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];
const E2E_ID = 'e2e_meter';

let dataDir: string;
let demo: Demo;
let proxy: IngressProxy;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const sims: ChildProcess[] = [];
let meter: DeviceHandle;
let meterReads = 0;
const consoleErrors: string[] = [];

/** A meter of our own in the hub, so values and refusals are under the test's control. */
function addTestMeter(): DeviceHandle {
  const handle = demo.app.hub.addDevice(
    { id: E2E_ID, kind: 'dlt645', name: 'E2E meter', manufacturer: 'Test', allowWrites: false },
    [
      { key: 'power', name: 'Active power', unit: 'W', deviceClass: 'power', stateClass: 'measurement', precision: 0 },
      { key: 'voltage', name: 'Voltage', unit: 'V', deviceClass: 'voltage', stateClass: 'measurement', precision: 1, id: '02010100' },
      { key: 'relay', name: 'Relay', type: 'enum', options: ['open', 'closed'], writable: true },
    ],
    {
      read: async (keys) => {
        meterReads++;
        return keys.map((key) => ({ key, value: key === 'voltage' ? 231.4 : key === 'relay' ? 1 : 1234 }));
      },
      write: async () => {
        throw new Error('the test meter must never be written: writes are off');
      },
    },
  );
  handle.setStatus('online');
  handle.publish([
    { key: 'power', value: 1000 },
    { key: 'voltage', value: 229.9 },
    { key: 'relay', value: 1 },
  ]);
  return handle;
}

/** A simulator as a user runs it (`wattwire sim <kind>`), once it prints what `ready` matches. */
async function startSim(kind: string, args: string[], ready: RegExp): Promise<{ match: RegExpExecArray; process: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/cli.ts', 'sim', kind, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  sims.push(child);
  let out = '';
  child.stdout?.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (out += b.toString()));
  const match = await waitFor(() => ready.exec(out), { timeoutMs: 20_000, what: `the ${kind} simulator (output: ${out})` });
  return { match, process: child };
}

async function open(hash: string): Promise<void> {
  await page.goto(`${proxy.url}${hash}`);
  await page.waitForLoadState('networkidle').catch(() => undefined);
}

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

beforeAll(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  // `npm test` builds the UI first (pretest); a lone run of this file builds it when missing.
  if (!existsSync('ui/dist/index.html'))
    await promisify(execFile)(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'error']);
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'wattwire-e2e-'));
  // Two simulators keep the run short; every kind's UI is the same generic code.
  demo = await startDemo({
    httpPort: await freePort(),
    mqttPort: await freePort(),
    mqttWsPort: await freePort(),
    dataDir,
    kinds: ['dlt645', 'kostal'],
    quiet: true,
  });
  meter = addTestMeter();
  proxy = await startIngressProxy(demo.url);
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: 'light' });
  page = await context.newPage();
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(`${page.url()}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => consoleErrors.push(`${page.url()}: ${err.message}`));
  page.on('response', (res) => {
    if (res.status() >= 400) consoleErrors.push(`${page.url()}: HTTP ${res.status()} for ${res.request().method()} ${res.url()}`);
  });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all(
    sims.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
          setTimeout(() => child.kill('SIGKILL'), 5000).unref();
        }),
    ),
  );
  await proxy?.close();
  await demo?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
}, 60_000);

describe('ingress web UI', () => {
  it('loads every page under the ingress prefix without a console error', async () => {
    const pages: [string, string, string][] = [
      ['#/', 'overview', 'Bridge'],
      [`#/device/${E2E_ID}`, 'device', 'Last 24 hours'],
      [`#/registers/${E2E_ID}`, 'registers', 'Registers of'],
      ['#/onboarding', 'onboarding', 'Add a device'],
      ['#/certificates', 'certificates', 'Certificates'],
      ['#/diagnostics', 'diagnostics', 'Recent log'],
    ];
    for (const [hash, name, text] of pages) {
      await open(hash);
      await page.getByText(text).first().waitFor();
      await shot(name);
    }
    await context.newPage().then(async (dark) => {
      await dark.emulateMedia({ colorScheme: 'dark' });
      await dark.setViewportSize({ width: 390, height: 844 });
      await dark.goto(`${proxy.url}#/`);
      await dark.getByText('E2E meter').first().waitFor();
      await dark.screenshot({ path: path.join(ARTIFACTS, 'overview-dark-phone.png'), fullPage: true });
      await dark.close();
    });
    expect(consoleErrors).toEqual([]);
    expect(proxy.escaped).toEqual([]);
  });

  it('is usable with the keyboard alone', async () => {
    await open('#/');
    await page.reload();
    // The panel renders once it knows whether it needs a token; Tab before that focuses nothing.
    await page.locator('a.skip').waitFor({ state: 'attached' });
    const focused = () => page.evaluate(() => document.activeElement?.textContent?.trim() ?? '');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('Skip to content');
    for (const expected of ['Wattwire', 'Overview', 'Add device']) {
      await page.keyboard.press('Tab');
      expect(await focused()).toBe(expected);
    }
    await page.keyboard.press('Enter');
    await page.getByText('What kind of device?').waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-kind'))).toBe(DEFINITIONS[0].kind);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: DEFINITIONS[0].label }).waitFor();
    await open(`#/device/${E2E_ID}`);
    await page.getByRole('button', { name: 'Remove device' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('dialog').waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    expect(demo.app.hub.get(E2E_ID)).toBeDefined();
  });

  it('shows the embedded broker login on the overview, the password only on request', async () => {
    const login = demo.app.brokerLogin();
    expect(login).toBeDefined();
    const { host, port, wsPort, username, password } = login!;
    expect(demo.banner).toContain(`user ${username}, password ${password}`);
    await open('#/');
    const section = page.getByRole('region', { name: 'Connect to the embedded MQTT broker' });
    await section.waitFor();
    const text = (await section.textContent()) ?? '';
    for (const shown of [host, String(port), String(wsPort), username]) expect(text).toContain(shown);
    expect(text).not.toContain(password);
    await section.getByRole('button', { name: 'show' }).click();
    await expect.poll(() => section.getByTestId('broker-password').textContent()).toBe(password);
    await shot('overview-broker-login');
    await section.getByRole('button', { name: 'hide' }).click();
    expect(await section.textContent()).not.toContain(password);
  });

  it('shows a new reading live, without reloading', async () => {
    await open('#/');
    const value = page.locator(`article:has(#dev-${E2E_ID}) tr[data-key="power"] .value`);
    await expect.poll(() => value.textContent()).toBe('1000');
    await page.getByText(/Bridge v\d/).waitFor();
    const polls: string[] = [];
    const onRequest = (req: import('playwright-core').Request) => {
      if (req.resourceType() === 'fetch' || req.resourceType() === 'xhr') polls.push(req.url());
    };
    page.on('request', onRequest);
    meter.publish([{ key: 'power', value: 4321 }]);
    await expect.poll(() => value.textContent(), { timeout: 5000 }).toBe('4321');
    meter.publish([{ key: 'power', value: 2500 }]);
    await expect.poll(() => value.textContent(), { timeout: 5000 }).toBe('2500');
    await expect
      .poll(() => page.locator(`article:has(#dev-${E2E_ID}) tr[data-key="power"] svg path`).getAttribute('d'))
      .toMatch(/^M[\d.]+,[\d.]+L/);
    // The values came over the open stream, not from polling.
    page.off('request', onRequest);
    expect(polls).toEqual([]);
    meter.setStatus('fault', 'no answer to 3 requests');
    await page.getByText('no answer to 3 requests').waitFor();
    meter.setStatus('online');
  });

  it('reads a register now and shows the refusal of a write when writes are off', async () => {
    await open(`#/registers/${E2E_ID}`);
    await page.getByLabel('Search').fill('volt');
    await expect.poll(() => page.locator('tbody tr').count()).toBe(1);
    const reads = meterReads;
    await page.getByRole('button', { name: 'Read Voltage now' }).click();
    await expect.poll(() => page.locator('tr[data-key="voltage"] .result').textContent()).toBe('read 231.4 V');
    expect(meterReads).toBe(reads + 1);

    await page.getByLabel('Search').fill('');
    await page.getByLabel('New value of Relay').selectOption('open');
    await page.locator('tr[data-key="relay"]').getByRole('button', { name: 'Write' }).click();
    const dialog = page.getByRole('dialog');
    await expect.poll(() => dialog.textContent()).toMatch(/Relay from Closed to Open/);
    await shot('registers-confirm-write');
    await dialog.getByRole('button', { name: 'Write' }).click();
    await expect
      .poll(() => page.locator('tr[data-key="relay"] .result.error').textContent())
      .toMatch(/Writes are off for device e2e_meter/);
    await shot('registers-write-refused');
    expect(demo.app.hub.get(E2E_ID)?.state.relay).toBe('closed');
    // The refusal is the only error the browser saw (Chromium logs every 4xx response).
    expect(consoleErrors.filter((e) => !/403/.test(e))).toEqual([]);
    consoleErrors.length = 0;
  });

  it('onboards a simulated Kostal inverter through the form rendered from its schema, which then appears with values', async () => {
    const kostal = await startSim('kostal', ['--port', String(await freePort()), '--hour', '12'], /http:\/\/([\d.]+:\d+)/);
    const host = kostal.match[1];
    await open('#/onboarding');
    await page.locator('button[data-kind="kostal"]').click();
    // Only the fields with a title are in the wizard; the others stay on the options page.
    const shown = await page.locator('form [name]').evaluateAll((els) => els.map((e) => e.getAttribute('name')));
    expect(shown).toEqual(['name', 'host', 'username', 'password', 'generation', 'poll_interval', 'night_power']);
    await page.getByLabel('Inverter address').fill(host!);
    await page.getByLabel('Name', { exact: true }).fill('Roof inverter');
    await page.getByLabel('Password').fill('pvwr');
    await page.getByLabel('Poll interval (s)').fill('5');
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.locator('[data-test-result]').waitFor({ timeout: 15_000 });
    await shot('onboarding-tested');
    expect(
      await page.locator('[data-test-result]').getAttribute('data-test-result'),
      (await page.locator('[data-test-result]').textContent()) ?? '',
    ).toBe('ok');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('is saved and starting').waitFor();
    // The number field went out as a number: the options schema takes no text for it.
    expect(demo.app.currentOptions.kostal).toContainEqual(expect.objectContaining({ host, name: 'Roof inverter', poll_interval: 5 }));
    await page.getByRole('link', { name: 'Go to the overview' }).click();
    const card = page.locator('article', { hasText: 'Roof inverter' });
    await card.waitFor({ timeout: 20_000 });
    await expect.poll(() => card.locator('td .value').count(), { timeout: 20_000 }).toBeGreaterThan(0);
    await shot('overview-with-kostal');

    // The password just saved never leaves the bridge: not in the options API, not in the bundle.
    const options = await (await page.request.get(`${proxy.url}api/options`)).json();
    expect(options.kostal).toContainEqual(expect.objectContaining({ host, password: '********' }));
    const bundle = await page.request.get(`${proxy.url}api/diagnostics/bundle`);
    expect(bundle.headers()['content-disposition']).toMatch(/^attachment; filename="wattwire-diagnostics-/);
    const text = await bundle.text();
    expect(JSON.parse(text).options.kostal).toContainEqual(expect.objectContaining({ host, password: '[redacted]' }));
    expect(text).not.toContain('pvwr');
  });

  it('generates a certificate whose LFDI is the one the CLI reads from the file', async () => {
    await open('#/certificates');
    await page.getByRole('button', { name: 'Generate certificate' }).click();
    const lfdiCode = page.locator('code.lfdi');
    await lfdiCode.waitFor();
    const shown = (await lfdiCode.getAttribute('data-lfdi')) ?? '';
    const grouped = (await lfdiCode.textContent()) ?? '';
    const { stdout } = await promisify(execFile)(process.execPath, [
      '--import',
      'tsx',
      'server/cli.ts',
      'cert',
      'lfdi',
      '--cert',
      path.join(dataDir, 'certs', 'cert.pem'),
    ]);
    const cliLfdi = /^LFDI: ([0-9A-Fa-f]{40})$/m.exec(stdout)?.[1];
    expect(cliLfdi).toBeDefined();
    expect(shown.toUpperCase()).toBe(cliLfdi!.toUpperCase());
    expect(grouped.split(' ')).toHaveLength(10);
    expect(grouped.replace(/ /g, '').toUpperCase()).toBe(cliLfdi!.toUpperCase());
    await shot('certificates-present');

    await page.getByRole('button', { name: 'Generate a new certificate' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Replace' }).click();
    await expect.poll(() => lfdiCode.getAttribute('data-lfdi')).not.toBe(shown);
    const download = await page.request.get(`${proxy.url}api/certs/cert.pem`);
    const pem = await download.text();
    expect(pem).toContain('BEGIN CERTIFICATE');
    expect(pem).not.toContain('PRIVATE KEY');
    expect(consoleErrors).toEqual([]);
    expect(proxy.escaped).toEqual([]);
  });

  it('finds an Itron meter by mDNS and connects to it with the generated certificate', async () => {
    const itron = await startSim('itron', ['--port', String(await freePort()), '--any'], /meter LFDI ([0-9A-Fa-f]{40})[\s\S]*advertised/);
    const lfdi = itron.match[1]!;
    await open('#/onboarding');
    await page.reload();
    await page.locator('button[data-kind="itron"]').click();
    await page.getByRole('button', { name: 'Scan the network (mDNS)' }).click();
    const found = page.locator('ul.found li', { hasText: `LFDI ${lfdi.slice(0, 8)}` });
    await found.waitFor({ timeout: 15_000 });
    await found.getByRole('button', { name: 'Use' }).click();
    expect((await page.getByLabel('Meter LFDI (optional)').inputValue()).toUpperCase()).toBe(lfdi.toUpperCase());
    expect(await page.getByLabel('Port').inputValue()).not.toBe('');
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.locator('[data-test-result]').waitFor({ timeout: 20_000 });
    await shot('onboarding-itron-tested');
    expect(
      await page.locator('[data-test-result]').getAttribute('data-test-result'),
      (await page.locator('[data-test-result]').textContent()) ?? '',
    ).toBe('ok');
    expect(consoleErrors).toEqual([]);
  });

  it('shows a configured inverter that never answers on the overview, in fault with the reason', async () => {
    const host = `127.0.0.2:${await freePort()}`;
    const current = demo.app.currentOptions;
    await demo.app.applyOptions({ ...current, kostal: [...current.kostal, { host, name: 'Unreachable PIKO', timeout: 2 }] });
    await open('#/');
    const card = page.locator('article.card', { hasText: 'Unreachable PIKO' });
    await card.locator('.badge.fault').waitFor({ timeout: 20_000 });
    expect(await card.locator('.reason').textContent()).toMatch(/never answered: .*refused/);
    await page.locator('.device-summary', { hasText: '1 in fault' }).waitFor();
    await shot('overview-device-in-fault');
    expect(consoleErrors).toEqual([]);
  });
});
