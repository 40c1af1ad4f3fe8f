/**
 * UI figures: the JavaScript and CSS the first page loads (gzip bytes, from the built
 * index.html), and the time from a reading entering the hub to its value on screen in
 * Chromium (hub → SSE → the UI's next animation frame → DOM), measured against the demo app.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startDemo } from '../server/demo.ts';
import { freePort } from '../server/sim/freePort.ts';

const SAMPLES = 200;
const DIST = path.resolve(import.meta.dirname, '../ui/dist');

/** Only what index.html itself references: the lazily loaded pages are not part of the first page. */
async function firstPageBytes(): Promise<Record<string, unknown>> {
  const html = await readFile(path.join(DIST, 'index.html'), 'utf8');
  const assets = [...html.matchAll(/(?:src|href)="\.\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]);
  let js = 0;
  let css = 0;
  for (const asset of assets) {
    const size = gzipSync(await readFile(path.join(DIST, asset!)), { level: 9 }).length;
    if (asset!.endsWith('.js')) js += size;
    else css += size;
  }
  return {
    figure: 'ui_first_page_js_css_gzip_bytes',
    value: js + css,
    unit: 'bytes',
    js_gzip_bytes: js,
    css_gzip_bytes: css,
    files: assets.length,
  };
}

export async function bench(): Promise<Record<string, unknown>[]> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'ww-bench-ui-'));
  const demo = await startDemo({
    httpPort: await freePort(),
    mqttPort: await freePort(),
    mqttWsPort: await freePort(),
    dataDir,
    kinds: [],
    quiet: true,
  });
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--headless',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
  });
  try {
    const handle = demo.app.hub.addDevice({ id: 'bench_meter', kind: 'bench', name: 'Bench meter' }, [
      { key: 'power', name: 'Power', unit: 'W', deviceClass: 'power', stateClass: 'measurement' },
    ]);
    handle.setStatus('online');
    handle.publish([{ key: 'power', value: 0 }]);
    const page = await (await browser.newContext()).newPage();
    await page.goto(demo.url);
    const cell = 'article:has(#dev-bench_meter) tr[data-key="power"] .value';
    await page.waitForSelector(cell);
    const latencies: number[] = [];
    for (let i = 1; i <= SAMPLES; i++) {
      // A string, not a function: tsx's name helpers do not exist in the page.
      const seen = page.evaluate<number>(`new Promise((resolve) => {
        const el = document.querySelector(${JSON.stringify(cell)});
        const check = () => el.textContent === ${JSON.stringify(String(i))};
        if (check()) return resolve(performance.timeOrigin + performance.now());
        new MutationObserver((m, obs) => {
          if (!check()) return;
          obs.disconnect();
          resolve(performance.timeOrigin + performance.now());
        }).observe(el, { characterData: true, childList: true, subtree: true });
      })`);
      await new Promise((r) => setTimeout(r, 20));
      const t0 = performance.timeOrigin + performance.now();
      handle.publish([{ key: 'power', value: i }]);
      latencies.push((await seen) - t0);
    }
    latencies.sort((a, b) => a - b);
    const pct = (p: number) => Number(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!.toFixed(1));
    return [
      await firstPageBytes(),
      { figure: 'ui_reading_to_screen_p50_ms', value: pct(0.5), unit: 'ms', samples: SAMPLES },
      { figure: 'ui_reading_to_screen_p95_ms', value: pct(0.95), unit: 'ms', samples: SAMPLES },
    ];
  } finally {
    await browser.close();
    await demo.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(JSON.stringify(await bench()));
