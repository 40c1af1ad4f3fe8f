/**
 * Adopting a DLMS meter that pushes without being configured (issue 15 item 9): the whole
 * app with the listener on and no meters, the web API on real sockets, the meter pushing
 * from another host (127.0.0.2).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WattwireApp } from '../../../server/app.ts';
import { optionsSchema } from '../../../server/options/schema.ts';
import { DlmsPushSim } from '../../../server/sim/dlms/pushSim.ts';
import { freePort, waitFor } from '../../support/ports.ts';

const ST = '4B464D1010000023';
const EK = '101112131415161718191A1B1C1D1E1F';
const AK = 'D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF';
const METER_HOST = '127.0.0.2';

let dataDir: string | undefined;
let app: WattwireApp | undefined;
let sim: DlmsPushSim | undefined;
afterEach(async () => {
  await sim?.stop();
  await app?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
  sim = app = dataDir = undefined;
});

async function api<T>(
  httpPort: number,
  urlPath: string,
  init: { method?: string; body?: unknown } = {},
): Promise<{ status: number; body: T }> {
  const res = await fetch(`http://127.0.0.1:${httpPort}${urlPath}`, {
    method: init.method ?? 'GET',
    headers: init.body === undefined ? {} : { 'content-type': 'application/json' },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  return { status: res.status, body: (await res.json()) as T };
}

describe('DLMS dial-in adoption', () => {
  it('lists a pushing meter no item names, saves it with its system title, and publishes once its keys are entered', async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'wattwire-dlms-adopt-'));
    const httpPort = await freePort();
    const listenPort = await freePort();
    app = new WattwireApp({
      options: optionsSchema.parse({ dlt645: { listen: false }, dlms: { listen: true, listen_port: listenPort } }),
      env: { dataDir, optionsFile: path.join(dataDir, 'options.json'), httpPort, mqttPort: await freePort(), mqttWsPort: 0 },
      uiDir: '/nonexistent',
    });
    await app.start();
    sim = new DlmsPushSim({
      target: { host: '127.0.0.1', port: listenPort, localAddress: METER_HOST },
      framing: 'wrapper',
      security: 'auth-encrypt',
      systemTitle: Buffer.from(ST, 'hex'),
      encryptionKey: Buffer.from(EK, 'hex'),
      authenticationKey: Buffer.from(AK, 'hex'),
      intervalMs: 100,
    });
    await sim.start();

    type Pending = { kind: string; label: string; remote?: string; config: Record<string, unknown> }[];
    const pending = await waitFor(
      async () => (await api<Pending>(httpPort, '/api/onboarding/pending')).body.find((p) => p.kind === 'dlms'),
      { what: 'the meter in the pending list' },
    );
    expect(pending).toEqual({ kind: 'dlms', label: ST, remote: METER_HOST, config: { mode: 'push', system_title: ST } });

    const saved = await api<{ saved: boolean; list: string; index: number }>(httpPort, '/api/onboarding/save', {
      method: 'POST',
      body: { kind: 'dlms', config: pending.config },
    });
    expect(saved).toEqual({ status: 200, body: { saved: true, list: 'dlms_meters', index: 0 } });
    expect(app.currentOptions.dlms_meters).toEqual([expect.objectContaining({ mode: 'push', system_title: ST })]);
    // Configured now: no longer pending.
    await waitFor(async () => (await api<Pending>(httpPort, '/api/onboarding/pending')).body.length === 0, {
      what: 'the pending list emptied',
    });

    const options = (await api<Record<string, unknown>>(httpPort, '/api/options')).body;
    const withKeys = { ...options, dlms_meters: [{ ...(options.dlms_meters as object[])[0], encryption_key: EK, authentication_key: AK }] };
    expect((await api(httpPort, '/api/options', { method: 'PUT', body: withKeys })).status).toBe(200);
    const rec = await waitFor(
      () => {
        const d = app?.hub.get(ST);
        return d?.state.ACTIVE_ENERGY_IMPORT !== undefined ? d : undefined;
      },
      { what: 'the adopted meter publishing its energy' },
    );
    expect(rec.state.ACTIVE_ENERGY_IMPORT).toBeCloseTo(1234.567, 0);
    expect(rec.status.availability).toBe('online');
  });
});
