/**
 * The panel on a phone (390 px wide) against the demo with every simulator: no text may end
 * beyond the right edge of the screen on any page. And the device page's charts: a unit on
 * the value axis, and the history (kept by the bridge) still there after a reload.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startDemo, type Demo } from '../../server/demo.ts';
import { freePort, waitFor } from '../support/ports.ts';
import { startIngressProxy, type IngressProxy } from './ingressProxy.ts';

const ARTIFACTS = path.resolve('test-artifacts');
const CHROMIUM_ARGS = ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--no-first-run'];
const PHONE = { width: 390, height: 844 };

let dataDir: string;
let demo: Demo;
let proxy: IngressProxy;
let browser: Browser;
let page: Page;

async function open(hash: string): Promise<void> {
  await page.goto(`${proxy.url}${hash}`);
  await page.waitForLoadState('networkidle').catch(() => undefined);
}

/** Elements with text of their own (and controls, charts) whose right edge is beyond the viewport. */
async function beyondRightEdge(): Promise<string[]> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const found: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>('body *')) {
      if (el.closest('.sr-only, .skip')) continue;
      const ownText = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && (n.textContent ?? '').trim() !== '');
      if (!ownText && !el.matches('input, select, button, svg, img, textarea')) continue;
      const box = el.getBoundingClientRect();
      if (box.width === 0 && box.height === 0) continue;
      if (box.right > width + 0.5)
        found.push(
          `${el.tagName.toLowerCase()}.${el.className}: "${(el.textContent ?? '').trim().slice(0, 50)}" ends at ${Math.round(box.right)} px`,
        );
    }
    return found;
  });
}

async function expectFits(what: string): Promise<void> {
  await page.screenshot({ path: path.join(ARTIFACTS, `phone-${what.replace(/[^a-z0-9]+/gi, '-')}.png`), fullPage: true });
  expect(await beyondRightEdge(), what).toEqual([]);
}

beforeAll(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  if (!existsSync('ui/dist/index.html'))
    await promisify(execFile)(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'error']);
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'wattwire-e2e-phone-'));
  demo = await startDemo({ httpPort: await freePort(), mqttPort: await freePort(), mqttWsPort: await freePort(), dataDir, quiet: true });
  proxy = await startIngressProxy(demo.url);
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  page = await (await browser.newContext({ viewport: PHONE, colorScheme: 'light' })).newPage();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await proxy?.close();
  await demo?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
}, 60_000);

describe('the panel on a 390 px phone', () => {
  it('keeps every text within the screen on every page', async () => {
    // Each simulator's devices with values, so the widest values are on screen; the 2030.5 meter
    // has none until a certificate exists (it is in fault, saying so, which is shown too).
    const kinds = demo.sims.map((s) => s.kind);
    const ready = () =>
      kinds.every((k) =>
        demo.app.hub
          .list()
          .some((d) => d.info.kind === k && (Object.values(d.state).some((v) => v !== undefined) || d.status.availability === 'fault')),
      );
    await waitFor(ready, { timeoutMs: 60_000, what: `a device of each kind (${kinds.join(', ')}) with values` });
    const devices = demo.app.hub.list();
    await open('#/');
    await page.locator('.card').first().waitFor();
    await expectFits('overview');
    for (const d of devices) {
      await open(`#/device/${d.info.id}`);
      await page.getByRole('heading', { name: 'Registers' }).waitFor();
      await expectFits(`device ${d.info.kind} ${d.info.id}`);
      // Codes the panel used to show as they are: an enum value, an options list name.
      const text = (await page.locator('main').textContent()) ?? '';
      expect(text, d.info.id).not.toMatch(/feeding_mpp|dlms_meters|optimized_with/);
      if (d.info.kind === 'dlms') expect(text).toContain('DLMS meters, entry 1');
      await open(`#/registers/${d.info.id}`);
      await page.locator('tbody tr').first().waitFor();
      await expectFits(`registers ${d.info.kind} ${d.info.id}`);
    }
    for (const hash of ['#/onboarding', '#/certificates', '#/diagnostics']) {
      await open(hash);
      await page.locator('main h1').first().waitFor();
      await expectFits(hash.slice(2));
      if (hash === '#/diagnostics') {
        await page.getByText('Ignored retained commands').waitFor();
        expect(await page.locator('main').textContent()).not.toMatch(/ignoredRetainedCommands|eventLoopDelayP99Ms/);
      }
    }
    await open('#/onboarding');
    // The kinds come from the server (api/onboarding/kinds).
    await page.locator('[data-kind]').first().waitFor();
    const kindsOffered = await page.locator('[data-kind]').evaluateAll((els) => els.map((e) => e.getAttribute('data-kind') ?? ''));
    for (const kind of kindsOffered) {
      // A fresh load: a hash change to the same page would keep the chosen kind.
      await open('#/onboarding');
      await page.reload();
      await page.locator(`[data-kind="${kind}"]`).click({ timeout: 90_000 });
      await page.locator('form').first().waitFor();
      await expectFits(`onboarding ${kind}`);
    }
  }, 300_000);

  it('charts a value with its unit on the axis, and the chart survives a reload', async () => {
    const handle = demo.app.hub.addDevice({ id: 'e2e_chart', kind: 'dlt645', name: 'Chart meter' }, [
      { key: 'power', name: 'Active power', unit: 'kW', deviceClass: 'power', stateClass: 'measurement', precision: 3 },
    ]);
    handle.setStatus('online');
    handle.publish([{ key: 'power', value: 1.5 }]);
    handle.publish([{ key: 'power', value: 2.25 }]);
    await open('#/device/e2e_chart');
    const chart = page.locator('figure.history', { hasText: 'Active power' });
    // kW from the driver is shown in W, like every other power in the panel.
    await expect.poll(() => chart.locator('.axis-unit').textContent(), { timeout: 20_000 }).toBe('W');
    await expect.poll(() => chart.locator('path.band').getAttribute('d'), { timeout: 20_000 }).toMatch(/^M/);
    const ticks = await chart.locator('.tick text').allTextContents();
    expect(ticks.some((t) => Number(t) >= 2000)).toBe(true);
    await page.reload();
    await page.waitForLoadState('networkidle').catch(() => undefined);
    await expect.poll(() => chart.locator('path.band').getAttribute('d'), { timeout: 20_000 }).toMatch(/^M/);
    const box = await chart.locator('svg').boundingBox();
    expect(box).not.toBeNull();
    await page.mouse.move(box!.x + box!.width - 12, box!.y + box!.height / 2);
    await expect.poll(() => chart.locator('.hover text').textContent(), { timeout: 10_000 }).toMatch(/2250 W$/);
  }, 120_000);

  it('shows the values of a device that only has diagnostic ones, not "No values yet"', async () => {
    const handle = demo.app.hub.addDevice({ id: 'e2e_link', kind: 'xtender', name: 'Link only' }, [
      { key: 'link_quality', name: 'Link quality', unit: '%', precision: 0, entityCategory: 'diagnostic' },
    ]);
    handle.setStatus('online');
    handle.publish([{ key: 'link_quality', value: 87.4 }]);
    await open('#/');
    const card = page.locator('article.card', { hasText: 'Link only' });
    await expect.poll(() => card.locator('tr[data-key="link_quality"] .value').textContent(), { timeout: 20_000 }).toBe('87');
    expect(await card.textContent()).not.toContain('No values yet');
  }, 60_000);
});
