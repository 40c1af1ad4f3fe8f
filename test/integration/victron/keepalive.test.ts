/** The keep-alive against the simulated GX in both generations: data keeps flowing well past the GX's timeout. */
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
    await sleep(3 * TIMEOUT);
    const rec = rig.hub.get(GX_ID)!;
    // Values still arrive after three of the GX's keep-alive timeouts (waited for, not timed: CI is loaded).
    await waitFor(() => Math.max(...Object.values(rec.updated)) > startedAt + 3 * TIMEOUT, { what: 'a value after three timeouts' });
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
