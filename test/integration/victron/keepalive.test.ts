/**
 * The keep-alive against the simulated GX in both generations: data keeps flowing well past
 * the GX's keep-alive timeout, a lapse is noticed and recovered, and a GX reboot is survived.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../support/ports.ts';
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
    await sleep(3 * TIMEOUT + 500);
    const rec = rig.hub.get(GX_ID)!;
    expect(Math.max(...Object.values(rec.updated))).toBeGreaterThan(startedAt + 3 * TIMEOUT);
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

  it('notices a lapsed keep-alive and recovers it without user action', async () => {
    rig = await startRig({ generation });
    await rig.until(GX_ID, 'system_battery_soc');
    await waitFor(() => rig!.diag().generation === generation, { what: 'generation detected' });
    const events: string[] = [];
    rig.hub.on('event', (_rec, e) => events.push(e.event));
    rig.sim.loseKeepalives(1500);
    await waitFor(() => rig!.diag().lapsesRecovered >= 1, { what: 'lapse recovered' });
    expect(events).toContain('keepalive_lapsed');
    expect(events).toContain('keepalive_recovered');
    const recoveredAt = Date.now();
    await rig.until(GX_ID, 'system_pv_power', () => rig!.hub.get(GX_ID)!.updated.system_pv_power > recoveredAt);
    expect(rig.hub.get(GX_ID)!.status.availability).toBe('online');
    expect(rig.sim.alive).toBe(true);
  });

  it('notices a GX reboot and picks up again', async () => {
    rig = await startRig({ generation });
    await rig.until(GX_ID, 'system_battery_soc');
    const statuses: string[] = [];
    rig.hub.on('status', (rec) => {
      if (rec.info.id === GX_ID) statuses.push(rec.status.availability);
    });
    await rig.sim.restart(300);
    await waitFor(() => rig!.diag().reconnects >= 1 && rig!.diag().connected, { what: 'reconnected' });
    const backAt = Date.now();
    await rig.until(GX_ID, 'system_pv_power', () => rig!.hub.get(GX_ID)!.updated.system_pv_power > backAt);
    expect(statuses).toContain('offline');
    expect(rig.hub.get(GX_ID)!.status.availability).toBe('online');
    expect(rig.sim.alive).toBe(true);
  });
});
