import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BUCKET_MS, HISTORY_BUCKETS, HistoryStore } from '../../../server/core/history.ts';
import { HISTORY_FILE, HistoryFileError, loadHistory, saveHistory } from '../../../server/core/historyFile.ts';
import { Hub } from '../../../server/core/hub.ts';
import type { WebContext } from '../../../server/web/context.ts';
import { historyRoutes } from '../../../server/web/routes/history.ts';
import { createWebServer } from '../../../server/web/server.ts';
import { testWebContext } from '../../support/webContext.ts';

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

describe('history store', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(T0);
  });
  afterEach(() => vi.useRealTimers());

  it('keeps min, max and last per bucket, a bucket per five minutes', () => {
    expect(BUCKET_MS).toBe(5 * MINUTE);
    expect(HISTORY_BUCKETS * BUCKET_MS).toBe(24 * 60 * MINUTE);
    const store = new HistoryStore();
    store.add('d', 'p', 10);
    vi.advanceTimersByTime(MINUTE);
    store.add('d', 'p', 30);
    vi.advanceTimersByTime(3 * MINUTE);
    store.add('d', 'p', 20);
    vi.advanceTimersByTime(BUCKET_MS);
    store.add('d', 'p', 5);
    expect(store.read('d', 'p')).toEqual({ t: [T0, T0 + BUCKET_MS], min: [10, 5], max: [30, 5], last: [20, 5] });
  });

  it('gives back decimal values as they were, and after a jump that moves the series base', () => {
    const store = new HistoryStore();
    const add = (key: string, values: number[]) => {
      for (const v of values) {
        store.add('d', key, v);
        vi.advanceTimersByTime(BUCKET_MS);
      }
    };
    const energy = [112280.26, 112280.31, 112281.07, 112299.99];
    const power = [-1250.5, 0, 3456.7, 15_000.2, -0.1];
    const voltage = [230.1, 229.9, 0, 241.3];
    add('e', energy);
    expect(store.read('d', 'e').last).toEqual(energy);
    expect(store.read('d', 'e').max).toEqual(energy);
    // The first reading far off (a meter's first answer 0), then the real counter.
    add('j', [0, ...energy]);
    expect(store.read('d', 'j').last.slice(1)).toEqual(energy);
    add('p', power);
    expect(store.read('d', 'p').min).toEqual(power);
    add('v', voltage);
    expect(store.read('d', 'v').last).toEqual(voltage);
  });

  it('ignores values that have no chart', () => {
    const store = new HistoryStore();
    for (const v of ['on', true, null, Number.NaN, Number.POSITIVE_INFINITY]) store.add('d', 'x', v);
    expect(store.size).toBe(0);
    expect(store.read('d', 'x').t).toEqual([]);
  });

  it('rolls over after 24 hours: the oldest bucket goes, memory stays one ring', () => {
    const store = new HistoryStore();
    for (let b = 0; b < HISTORY_BUCKETS + 30; b++) {
      if (b > 0) vi.advanceTimersByTime(BUCKET_MS);
      store.add('d', 'p', b);
    }
    const day = store.read('d', 'p');
    expect(day.t).toHaveLength(HISTORY_BUCKETS);
    expect(day.last[0]).toBe(30);
    expect(day.last.at(-1)).toBe(HISTORY_BUCKETS + 29);
    expect(day.t[0]).toBe(T0 + 30 * BUCKET_MS);
    // A day later nothing is old enough to show.
    vi.advanceTimersByTime(HISTORY_BUCKETS * BUCKET_MS);
    expect(store.read('d', 'p').t).toEqual([]);
  });

  it('leaves empty the buckets in which no value came, and breaks nothing around them', () => {
    const store = new HistoryStore();
    store.add('d', 'p', 1);
    vi.advanceTimersByTime(3 * BUCKET_MS);
    store.add('d', 'p', 2);
    expect(store.read('d', 'p')).toEqual({ t: [T0, T0 + 3 * BUCKET_MS], min: [1, 2], max: [1, 2], last: [1, 2] });
  });

  it('keeps at most maxSeries series and counts what it refused', () => {
    const refused: string[] = [];
    const store = new HistoryStore(Date.now, 3, (_d, key) => refused.push(key));
    for (let i = 0; i < 10; i++) store.add('d', `k${i}`, i);
    expect(store.size).toBe(3);
    expect(store.refused).toBe(7);
    expect(refused).toEqual(['k3', 'k4', 'k5', 'k6', 'k7', 'k8', 'k9']);
    store.add('d', 'k0', 1);
    expect(store.read('d', 'k0').last).toEqual([1]);
  });

  it('lists every series by device and whole key, a key holding the id separator included', () => {
    const store = new HistoryStore();
    store.add('d', 'p', 1);
    store.add('d', 'a\u0000b', 2);
    expect(store.entries().map(({ device, key, series }) => ({ device, key, last: series.last }))).toEqual([
      { device: 'd', key: 'p', last: [1] },
      { device: 'd', key: 'a\u0000b', last: [2] },
    ]);
  });

  it('follows the hub: accepted numeric readings in, removed devices out', async () => {
    const hub = new Hub();
    const store = new HistoryStore();
    const detach = store.attach(hub);
    const h = hub.addDevice({ id: 'm', kind: 'dlt645', name: 'M' }, [
      { key: 'p', name: 'P', unit: 'W' },
      { key: 'mode', name: 'Mode', type: 'enum', options: ['a', 'b'] },
    ]);
    h.publish([
      { key: 'p', value: 7 },
      { key: 'mode', value: 1 },
    ]);
    expect(store.read('m', 'p').last).toEqual([7]);
    expect(store.size).toBe(1);
    await hub.removeDevice('m');
    expect(store.size).toBe(0);
    detach();
    hub.addDevice({ id: 'm', kind: 'dlt645', name: 'M' }, [{ key: 'p', name: 'P' }]).publish([{ key: 'p', value: 1 }]);
    expect(store.size).toBe(0);
  });
});

describe('history file', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ww-history-'));
  });
  afterEach(async () => {
    vi.useRealTimers();
    await rm(dir, { recursive: true, force: true });
  });

  it('saves and restores the buckets as they were', async () => {
    vi.useFakeTimers();
    vi.setSystemTime(T0);
    const store = new HistoryStore();
    store.add('d', 'p', 3);
    store.add('d', 'p', 9);
    store.add('d', 'p', 4);
    vi.advanceTimersByTime(BUCKET_MS);
    store.add('d', 'e', 1.25);
    await saveHistory(dir, store);
    const again = new HistoryStore();
    expect(await loadHistory(dir, again)).toBe(2);
    expect(again.read('d', 'p')).toEqual({ t: [T0], min: [3], max: [9], last: [4] });
    expect(again.read('d', 'e').last).toEqual([1.25]);
  });

  it("merges the minute buckets of an older version's file into five-minute ones", async () => {
    vi.useFakeTimers();
    vi.setSystemTime(T0 + 10 * MINUTE);
    const minutes = [0, 1, 2, 3, 4, 5, 6].map((m) => T0 + m * MINUTE);
    const saved = { t: minutes, min: [5, 4, 6, 7, 8, 1, 2], max: [9, 5, 6, 7, 12, 3, 2], last: [6, 5, 6, 7, 10, 2, 2] };
    await writeFile(path.join(dir, HISTORY_FILE), JSON.stringify({ version: 1, series: [{ device: 'd', key: 'p', series: saved }] }));
    const store = new HistoryStore();
    expect(await loadHistory(dir, store)).toBe(1);
    expect(store.read('d', 'p')).toEqual({ t: [T0, T0 + BUCKET_MS], min: [4, 1], max: [12, 3], last: [10, 2] });
  });

  it('treats a missing file as no history and refuses a file that is not one', async () => {
    expect(await loadHistory(dir, new HistoryStore())).toBe(0);
    await writeFile(
      path.join(dir, HISTORY_FILE),
      '{"version":1,"series":[{"device":"d","key":"k","series":{"t":[1],"min":[],"max":[],"last":[]}}]}',
    );
    await expect(loadHistory(dir, new HistoryStore())).rejects.toThrow(HistoryFileError);
    await writeFile(path.join(dir, HISTORY_FILE), 'not json');
    await expect(loadHistory(dir, new HistoryStore())).rejects.toThrow(/not JSON/);
  });
});

describe('history route', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ww-history-route-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  function context(hub: Hub): WebContext {
    return testWebContext(hub, { dataDir: dir });
  }

  it('serves a value with its unit, refuses bad keys, and keeps the history over a restart', async () => {
    const hub = new Hub();
    const device = hub.addDevice({ id: 'k1', kind: 'kostal', name: 'PIKO' }, [
      { key: 'ac_power', name: 'AC power', unit: 'W', precision: 0 },
    ]);
    const app = await createWebServer(context(hub), { ingressOnly: false, uiDir: '/nonexistent', routeModules: [historyRoutes] });
    device.publish([{ key: 'ac_power', value: 1500 }]);
    const ok = await app.inject({ url: '/api/devices/k1/history?key=ac_power' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ key: 'ac_power', unit: 'W', precision: 0, last: [1500] });
    for (const bad of ['', '?key=', '?key=a%2Fb', '?key=a.b', `?key=${'x'.repeat(129)}`]) {
      const res = await app.inject({ url: `/api/devices/k1/history${bad}` });
      expect(res.statusCode, bad).toBe(400);
    }
    expect((await app.inject({ url: '/api/devices/k1/history?key=nope' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/api/devices/zz/history?key=ac_power' })).statusCode).toBe(404);
    await app.close();

    const restarted = new Hub();
    restarted.addDevice({ id: 'k1', kind: 'kostal', name: 'PIKO' }, [{ key: 'ac_power', name: 'AC power', unit: 'W' }]);
    const app2 = await createWebServer(context(restarted), {
      ingressOnly: false,
      uiDir: '/nonexistent',
      routeModules: [historyRoutes],
    });
    expect((await app2.inject({ url: '/api/devices/k1/history?key=ac_power' })).json().last).toEqual([1500]);
    await app2.close();
  });
});
