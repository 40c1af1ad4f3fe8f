/** The keep-alive against the simulated GX in both generations: data keeps flowing well past the GX's timeout. */
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../support/ports.ts';
import { valuesRead } from '../../../server/core/hub.ts';
import { GX_ID, SIM_TIMING, startRig, type Rig } from './harness.ts';

const TIMEOUT = SIM_TIMING.keepaliveTimeoutMs as number;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(['flashmq', 'dbus-mqtt'] as const)('Victron keep-alive with %s', (generation) => {
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.stop();
    rig = undefined;
  });

  it('keeps data flowing past several keep-alive timeouts, without lapses', async () => {
    rig = await startRig({ generation });
    await rig.until(GX_ID, 'system_battery_soc');
    await waitFor(() => rig!.diag().generation === generation, { what: 'generation detected' });
    const startedAt = Date.now();
    await sleep(3 * TIMEOUT);
    const rec = rig.hub.get(GX_ID)!;
    // Values still arrive after three of the GX's keep-alive timeouts (waited for, not timed: CI is loaded).
    await waitFor(() => Math.max(...Object.values(valuesRead(rec.updated))) > startedAt + 3 * TIMEOUT, {
      what: 'a value after three timeouts',
    });
    expect(rig.sim.alive).toBe(true);
    // the GX's own keep-alive never timed out
    expect(rig.sim.stats.timeouts).toBe(0);
    const d = rig.diag();
    expect(d.keepalivesSent).toBeGreaterThanOrEqual(5);
    expect(d.messagesIn).toBeGreaterThan(50);
    expect(rec.status.availability).toBe('online');
    if (generation === 'flashmq') {
      // suppress-republish in between: far fewer full republishes than keep-alives
      expect(d.lastHeartbeat).not.toBeNull();
      expect(rig.sim.stats.fullPublishes).toBeLessThan(rig.sim.stats.keepalives);
    } else {
      expect(d.selectiveKeepalive).toBe(true);
      expect(d.lastHeartbeat).toBeNull();
    }
  });
});

describe('Victron keep-alive with a dbus-mqtt GX that expires the topics the list leaves out', () => {
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.stop();
    rig = undefined;
  });

  it('takes the expiry of unlisted topics for what it is: no lapse, the GX and its devices stay online', async () => {
    rig = await startRig({ generation: 'dbus-mqtt' });
    const r = rig;
    const lapses: string[] = [];
    r.hub.on('event', (rec, event) => {
      if (event.event === 'keepalive_lapsed') lapses.push(`${rec.info.id}: ${event.message}`);
    });
    const vebus = `${GX_ID}_vebus_276`;
    await r.until(vebus, 'vebus_state');
    await waitFor(() => r.diag().selectiveKeepalive === true, { what: 'selective keep-alive in use' });
    // One window after the first (full) keep-alive, the GX clears what the list does not name.
    await waitFor(() => r.sim.stats.expiredTopics > 0, { what: 'unlisted topics expired', timeoutMs: 4 * TIMEOUT });
    const expiredAt = Date.now();
    // Delivery is in order: a value that arrives later means the empty payloads were handled.
    await waitFor(() => Math.max(...Object.values(valuesRead(r.hub.get(GX_ID)!.updated))) > expiredAt, {
      what: 'a value after the expiry',
    });

    expect(lapses).toEqual([]);
    expect(r.diag().lapses).toBe(0);
    expect(r.diag().expiredUnlisted).toBeGreaterThan(0);
    const victron = r.hub.list().filter((d) => d.info.id.startsWith(GX_ID));
    expect(victron.filter((d) => d.status.availability !== 'online').map((d) => `${d.info.id}: ${d.status.reason}`)).toEqual([]);
  });
});
