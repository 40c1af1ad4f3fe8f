/** Recovery against the simulated GX in both generations: a lapsed keep-alive and a GX reboot. */
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../support/ports.ts';
import { GX_ID, startRig, type Rig } from './harness.ts';

describe.each(['flashmq', 'dbus-mqtt'] as const)('Victron recovery with %s', (generation) => {
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.stop();
    rig = undefined;
  });

  it('notices a lapsed keep-alive and recovers it without user action', async () => {
    rig = await startRig({ generation });
    await rig.until(GX_ID, 'system_battery_soc');
    await waitFor(() => rig!.diag().generation === generation, { what: 'generation detected' });
    const events: string[] = [];
    rig.hub.on('event', (_rec, e) => events.push(e.event));
    const recoveredBefore = rig.diag().lapsesRecovered;
    // dbus-mqtt: long enough that a serial read after a keep-alive stays unanswered past the timeout.
    rig.sim.loseKeepalives(generation === 'dbus-mqtt' ? 3000 : 1500);
    await waitFor(() => rig!.diag().lapsesRecovered > recoveredBefore && events.includes('keepalive_recovered'), {
      what: 'lapse recovered',
    });
    expect(rig.sim.stats.timeouts).toBeGreaterThanOrEqual(1);
    expect(events).toContain('keepalive_lapsed');
    expect(events).toContain('keepalive_recovered');
    const recoveredAt = Date.now();
    await rig.until(GX_ID, 'system_pv_power', () => rig!.hub.get(GX_ID)!.updated.system_pv_power! > recoveredAt);
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
    await rig.until(GX_ID, 'system_pv_power', () => rig!.hub.get(GX_ID)!.updated.system_pv_power! > backAt);
    expect(statuses).toContain('offline');
    expect(rig.hub.get(GX_ID)!.status.availability).toBe('online');
    expect(rig.sim.alive).toBe(true);
  });
});
